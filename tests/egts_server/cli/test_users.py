"""``glonass-dispatch users ...`` against the test database: accounts, sessions, the trail."""

from __future__ import annotations

import getpass
import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg2
import pytest

from db import audit, users
from egts_server.cli import main
from tests.conftest import REPO


def run(monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["users", *args])


def add(monkeypatch: pytest.MonkeyPatch, login: str, role: str) -> None:
    assert run(monkeypatch, "add", login, "--role", role, "--password-stdin",
               stdin="zima-2026!\n") == 0


def sessions(cur: Any, login: str) -> int:
    cur.execute("SELECT count(*) FROM user_sessions s JOIN users u ON u.id = s.user_id"
                " WHERE u.login = %s", (login,))
    count: int = cur.fetchone()[0]
    return count


def sign_in(cur: Any, login: str) -> str:
    found = users.credentials(cur, login)
    assert found is not None
    return users.open_session(cur, found[0], timedelta(hours=1))[0]


def test_add_without_a_terminal_says_how_instead_of_a_traceback(dsn: str) -> None:
    """No TTY and no --password-stdin: a clear error, exit 2, and no account."""
    result = subprocess.run(
        [sys.executable, "-m", "egts_server.cli", "users", "add", "ivanova"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=REPO,
        env={"DATABASE_URL": dsn, "PATH": "/usr/bin:/bin"})
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("glonass-dispatch: no terminal to ask for the password: pipe it in "
                             "with --password-stdin\n")
    with psycopg2.connect(dsn) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM users")
        assert cursor.fetchone()[0] == 0
    conn.close()


def test_list_shows_role_state_and_local_times(cur: Any, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    add(monkeypatch, "ivanova", "dispatcher")
    add(monkeypatch, "petrov", "auditor")
    assert run(monkeypatch, "disable", "petrov") == 0
    signed_in = datetime(2026, 12, 5, 3, 4, 5, tzinfo=UTC)
    cur.execute("INSERT INTO audit_log (at, actor, action, kind, object_id) VALUES"
                " (%s, 'ivanova', 'sign_in', 'session', 'ivanova')", (signed_in,))
    capsys.readouterr()
    assert run(monkeypatch, "list") == 0
    header, ivanova, petrov = capsys.readouterr().out.splitlines()
    assert header.split() == ["login", "role", "state", "created", "last", "sign-in"]
    assert ivanova.split()[:3] == ["ivanova", "dispatcher", "enabled"]
    assert ivanova.endswith("  05.12.2026 13:04 (+10:00)")  # Vladivostok, with its offset
    assert ivanova.split()[5] == "(+10:00)"  # created, in the same zone
    assert petrov.split()[:3] + petrov.split()[-1:] == ["petrov", "auditor", "disabled", "-"]


@pytest.mark.parametrize("change", [["set-role", "ivanova", "auditor"], ["disable", "ivanova"],
                                    ["remove", "ivanova"], ["passwd", "ivanova"]])
def test_taking_rights_away_ends_the_sessions(cur: Any, monkeypatch: pytest.MonkeyPatch,
                                              change: list[str]) -> None:
    """The next request of a signed-in user finds no session and must sign in again."""
    add(monkeypatch, "ivanova", "dispatcher")
    add(monkeypatch, "boss", "admin")
    token, other = sign_in(cur, "ivanova"), sign_in(cur, "boss")
    args = [*change, "--password-stdin"] if change[0] == "passwd" else change
    assert run(monkeypatch, *args, stdin="vesna-2027!\n") == 0
    assert users.find_session(cur, token) is None and sessions(cur, "ivanova") == 0
    assert users.find_session(cur, other) is not None


def test_enable_lets_the_account_sign_in_again(cur: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    add(monkeypatch, "ivanova", "dispatcher")
    assert run(monkeypatch, "disable", "ivanova") == 0
    assert users.credentials(cur, "ivanova") is None
    assert run(monkeypatch, "enable", "ivanova") == 0
    assert users.credentials(cur, "ivanova") is not None


def test_the_last_admin_cannot_be_taken_away(cur: Any, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    add(monkeypatch, "boss", "admin")
    for change in (["set-role", "boss", "dispatcher"], ["disable", "boss"], ["remove", "boss"]):
        assert run(monkeypatch, *change) == 2
        assert capsys.readouterr().err == (
            f"glonass-dispatch: users {change[0]}: boss — последний действующий администратор; "
            "сначала назначьте другого\n")
    add(monkeypatch, "deputy", "admin")
    assert run(monkeypatch, "set-role", "boss", "dispatcher") == 0


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["add", "a b", "--password-stdin"], "zima-2026!\n",
     "users add: логин: от 1 до 64 букв, цифр или знаков . _ @ -"),
    (["add", "ivanova", "--password-stdin"], "short\n",
     "users add: пароль: не короче 8 символов"),
    (["add", "ivanova", "--password-stdin"], "",
     "users add: пароль: не короче 8 символов"),
])
def test_bad_input_is_refused_with_a_message(cur: Any, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str],
                                             args: list[str], stdin: str, message: str) -> None:
    assert run(monkeypatch, *args, stdin=stdin) == 2
    assert capsys.readouterr().err == f"glonass-dispatch: {message}\n"
    cur.execute("SELECT count(*) FROM users")
    assert cur.fetchone()[0] == 0


def test_unknown_login_is_an_error(cur: Any, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert run(monkeypatch, "disable", "ghost") == 1
    assert capsys.readouterr().err == "glonass-dispatch: no user 'ghost'\n"


def test_changes_are_in_the_trail_as_made_from_the_cli(cur: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    add(monkeypatch, "ivanova", "dispatcher")
    assert run(monkeypatch, "set-role", "ivanova", "admin") == 0
    changed, created = audit.query(cur, since=None, until=None, kind="user")
    who = f"cli:{getpass.getuser()}"
    assert (created.actor, created.action, created.after["role"]) == (who, "create",
                                                                     "dispatcher")
    assert (changed.actor, changed.role, changed.address, changed.object_id) == (
        who, None, None, "ivanova")
    assert (changed.before["role"], changed.after["role"]) == ("dispatcher", "admin")
