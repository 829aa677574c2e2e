"""Dispatcher accounts and login sessions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

ROLES = ("dispatcher", "auditor", "admin")


@dataclass(frozen=True, slots=True)
class User:
    id: int
    login: str
    role: str


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf_token: str


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("ascii", "replace")).digest()


def add_user(cur: Any, login: str, password_hash: str, role: str) -> int:
    cur.execute("INSERT INTO users (login, password_hash, role) VALUES (%s, %s, %s) RETURNING id",
                (login, password_hash, role))
    new_id: int = cur.fetchone()[0]
    return new_id


def set_password(cur: Any, login: str, password_hash: str) -> bool:
    cur.execute("UPDATE users SET password_hash = %s WHERE login = %s", (password_hash, login))
    if cur.rowcount:  # a new password ends every open session of the account
        cur.execute("DELETE FROM user_sessions WHERE user_id = (SELECT id FROM users"
                    " WHERE login = %s)", (login,))
    return bool(cur.rowcount)


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
