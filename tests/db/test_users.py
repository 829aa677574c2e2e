"""Accounts and sessions in PostGIS, and the checks an account's fields must pass."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from db import audit, users
from db.users import AccountError

HOUR = timedelta(hours=1)


@pytest.mark.parametrize("login", ["a", "ivan.petrov@city-1", "Иван_2", "x" * 64])
def test_logins_of_letters_digits_and_some_marks_are_taken(login: str) -> None:
    assert users.check_login(login) == login


@pytest.mark.parametrize("login", ["", "x" * 65, "ivan petrov", "ivan;drop", "a/b"])
def test_other_logins_are_refused(login: str) -> None:
    with pytest.raises(AccountError) as refused:
        users.check_login(login)
    assert refused.value.field == "login"


def test_roles_are_the_three_and_passwords_from_8_to_1024_characters() -> None:
    assert [users.check_role(r) for r in users.ROLES] == ["dispatcher", "auditor", "admin"]
    assert [len(users.check_password("x" * n)) for n in (8, 1024)] == [8, 1024]


@pytest.mark.parametrize(("check", "value", "field"), [
    (users.check_role, "root", "role"), (users.check_role, "Admin", "role"),
    (users.check_password, "x" * 7, "password"), (users.check_password, "x" * 1025, "password")])
def test_other_roles_and_passwords_are_refused(check: Callable[[str], str], value: str,
                                               field: str) -> None:
    with pytest.raises(AccountError) as refused:
        check(value)
    assert refused.value.field == field


def test_a_session_token_is_stored_as_its_sha256() -> None:
    assert users.token_hash("abc") == hashlib.sha256(b"abc").digest()


def test_a_login_is_taken_once(cur: Any) -> None:
    first = users.add_user(cur, "anna", "hash-1", "dispatcher")
    with pytest.raises(AccountError, match="'anna' уже есть") as refused:
        users.add_user(cur, "anna", "hash-2", "admin")
    assert refused.value.field == "login"
    assert users.credentials(cur, "anna") == (users.User(first, "anna", "dispatcher"), "hash-1")
    assert users.credentials(cur, "boris") is None


def test_a_session_is_found_by_its_token_until_closed(cur: Any) -> None:
    user_id = users.add_user(cur, "anna", "hash", "auditor")
    user = users.User(user_id, "anna", "auditor")
    token, csrf = users.open_session(cur, user, HOUR)
    assert token != csrf
    assert users.find_session(cur, token) == users.Session(user, csrf)
    assert users.find_session(cur, token + "x") is None
    users.close_session(cur, token)
    assert users.find_session(cur, token) is None


def test_expired_sessions_are_not_found_and_go_at_the_next_sign_in(cur: Any) -> None:
    user = users.User(users.add_user(cur, "anna", "hash", "auditor"), "anna", "auditor")
    expired, _ = users.open_session(cur, user, -HOUR)
    assert users.find_session(cur, expired) is None
    users.open_session(cur, user, HOUR)
    cur.execute("SELECT count(*) FROM user_sessions")
    assert cur.fetchone() == (1,)


def test_every_change_to_an_account_ends_its_sessions(cur: Any) -> None:
    """A disabled account neither signs in nor keeps a session; the new role shows at once."""
    users.add_user(cur, "admin", "hash", "admin")
    user = users.User(users.add_user(cur, "anna", "hash", "dispatcher"), "anna", "dispatcher")
    other = users.User(users.add_user(cur, "boris", "hash", "dispatcher"), "boris",
                       "dispatcher")
    kept, _ = users.open_session(cur, other, HOUR)
    for change in (lambda: users.set_role(cur, "anna", "auditor"),
                   lambda: users.set_password(cur, "anna", "new-hash"),
                   lambda: users.set_disabled(cur, "anna", True)):
        token, _ = users.open_session(cur, user, HOUR)
        assert change() is True
        assert users.find_session(cur, token) is None
    assert users.find_session(cur, kept) is not None
    assert users.credentials(cur, "anna") is None
    assert users.set_disabled(cur, "anna", False)
    assert users.credentials(cur, "anna") == (users.User(user.id, "anna", "auditor"), "new-hash")
    assert not users.set_role(cur, "nobody", "auditor")
    assert not users.set_password(cur, "nobody", "hash")


def test_the_last_enabled_admin_stays(cur: Any) -> None:
    users.add_user(cur, "root", "hash", "admin")
    for change in (lambda: users.set_role(cur, "root", "dispatcher"),
                   lambda: users.set_disabled(cur, "root", True),
                   lambda: users.remove_user(cur, "root")):
        with pytest.raises(AccountError, match="последний действующий администратор"):
            change()
    users.add_user(cur, "second", "hash", "admin")
    assert users.set_disabled(cur, "second", True)
    with pytest.raises(AccountError):
        users.remove_user(cur, "root")
    assert users.set_disabled(cur, "second", False)
    assert users.remove_user(cur, "root")
    assert [a.login for a in users.list_accounts(cur)] == ["second"]


def test_accounts_are_listed_by_login_with_their_state(cur: Any) -> None:
    users.add_user(cur, "boris", "hash", "auditor")
    users.add_user(cur, "anna", "hash", "dispatcher")
    users.set_disabled(cur, "boris", True)
    for action in ("sign_in", "sign_in", "sign_out"):
        audit.record(cur, actor="boris", role="auditor", address="10.0.0.7", action=action,
                     kind="session", object_id="boris")
    cur.execute("SELECT at FROM audit_log WHERE action = 'sign_in' ORDER BY id DESC LIMIT 1")
    (last_sign_in,) = cur.fetchone()
    assert [(a.login, a.role, a.disabled, a.last_sign_in_at)
            for a in users.list_accounts(cur)] == [("anna", "dispatcher", False, None),
                                                    ("boris", "auditor", True, last_sign_in)]
    assert [a.login for a in users.list_accounts(cur, "boris")] == ["boris"]
