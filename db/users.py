"""Dispatcher accounts and login sessions."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

ROLES = ("dispatcher", "auditor", "admin")
MIN_PASSWORD, MAX_PASSWORD = 8, 1024
_LOGIN = re.compile(r"[\w.@-]{1,64}")


class AccountError(ValueError):
    """A change to an account we refuse; ``field`` names what is wrong, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True, slots=True)
class User:
    id: int
    login: str
    role: str


@dataclass(frozen=True, slots=True)
class Account:
    """An account as admins see it; the last sign-in comes from the audit trail."""

    login: str
    role: str
    disabled: bool
    created_at: datetime
    last_sign_in_at: datetime | None


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf_token: str


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("ascii", "replace")).digest()


def check_login(login: str) -> str:
    if not _LOGIN.fullmatch(login):
        raise AccountError("login", "логин: от 1 до 64 букв, цифр или знаков . _ @ -")
    return login


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError("role", f"роль: одна из {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError("password", f"пароль: не короче {MIN_PASSWORD} символов")
    if len(password) > MAX_PASSWORD:
        raise AccountError("password", f"пароль: не длиннее {MAX_PASSWORD} символов")
    return password


def add_user(cur: Any, login: str, password_hash: str, role: str) -> int:
    cur.execute("INSERT INTO users (login, password_hash, role) VALUES (%s, %s, %s)"
                " ON CONFLICT (login) DO NOTHING RETURNING id", (login, password_hash, role))
    row = cur.fetchone()
    if row is None:
        raise AccountError("login", f"учётная запись {login!r} уже есть")
    new_id: int = row[0]
    return new_id


def list_accounts(cur: Any, login: str | None = None) -> list[Account]:
    """Every account by login (or only ``login``'s)."""
    cur.execute("SELECT login, role, disabled, created_at, (SELECT max(at) FROM audit_log"
                "  WHERE kind = 'session' AND object_id = login AND action = 'sign_in')"
                " FROM users WHERE %(login)s::text IS NULL OR login = %(login)s ORDER BY login",
                {"login": login})
    return [Account(*row) for row in cur.fetchall()]


def set_password(cur: Any, login: str, password_hash: str) -> bool:
    cur.execute("UPDATE users SET password_hash = %s WHERE login = %s", (password_hash, login))
    return _ended_sessions(cur, login, bool(cur.rowcount))


def set_role(cur: Any, login: str, role: str) -> bool:
    """Change the role; the account's sessions end, so the next request sees the new role."""
    if check_role(role) != "admin":
        _keep_an_admin(cur, login)
    cur.execute("UPDATE users SET role = %s WHERE login = %s", (role, login))
    return _ended_sessions(cur, login, bool(cur.rowcount))


def set_disabled(cur: Any, login: str, disabled: bool) -> bool:
    if disabled:
        _keep_an_admin(cur, login)
    cur.execute("UPDATE users SET disabled = %s WHERE login = %s", (disabled, login))
    return _ended_sessions(cur, login, bool(cur.rowcount))


def remove_user(cur: Any, login: str) -> bool:
    """Delete the account (its sessions go with it)."""
    _keep_an_admin(cur, login)
    cur.execute("DELETE FROM users WHERE login = %s", (login,))
    return bool(cur.rowcount)


def _ended_sessions(cur: Any, login: str, found: bool) -> bool:
    """Close every open session of ``login`` (after a change to the account); pass ``found``."""
    if found:
        cur.execute("DELETE FROM user_sessions WHERE user_id = (SELECT id FROM users"
                    " WHERE login = %s)", (login,))
    return found


def _keep_an_admin(cur: Any, login: str) -> None:
    """Refuse to take away the last enabled admin (nobody could manage accounts after it)."""
    cur.execute("SELECT login FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id"
                " FOR UPDATE")  # two admins demoting each other at once wait for one another
    admins = [row[0] for row in cur.fetchall()]
    if admins == [login]:
        raise AccountError("login", f"{login} — последний действующий администратор; "
                                    "сначала назначьте другого")


def credentials(cur: Any, login: str) -> tuple[User, str] | None:
    """The enabled account and its stored hash, for checking a password."""
    cur.execute("SELECT id, login, role, password_hash FROM users"
                " WHERE login = %s AND NOT disabled", (login,))
    row = cur.fetchone()
    return None if row is None else (User(row[0], row[1], row[2]), row[3])


def open_session(cur: Any, user: User, lifetime: timedelta) -> tuple[str, str]:
    """A new session; returns the cookie token (only its hash is stored) and the CSRF token."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    cur.execute("DELETE FROM user_sessions WHERE expires_at < now()")
    cur.execute("INSERT INTO user_sessions (token_hash, user_id, csrf_token, expires_at)"
                " VALUES (%s, %s, %s, now() + %s)", (token_hash(token), user.id, csrf, lifetime))
    return token, csrf


def find_session(cur: Any, token: str) -> Session | None:
    cur.execute("SELECT u.id, u.login, u.role, s.csrf_token FROM user_sessions s"
                " JOIN users u ON u.id = s.user_id"
                " WHERE s.token_hash = %s AND s.expires_at > now() AND NOT u.disabled",
                (token_hash(token),))
    row = cur.fetchone()
    return None if row is None else Session(User(row[0], row[1], row[2]), row[3])


def close_session(cur: Any, token: str) -> None:
    cur.execute("DELETE FROM user_sessions WHERE token_hash = %s", (token_hash(token),))
