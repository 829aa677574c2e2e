"""Who may do what, as one pure table: path and method in, the access level needed out.

Levels: ``ANYONE`` (public layers, assets, login, health, the NIS intake with its own
credentials); ``READER`` (every other GET: any signed-in role, and anonymous visitors too when
``auth.anonymous_read`` is on, as in the embedded demo); ``EDITOR`` (writes: dispatcher or
admin, with a CSRF token); ``ADMIN`` (terminals, users, quarantine: admin only).
"""

from __future__ import annotations

import enum
from typing import Final


class Access(enum.IntEnum):
    ANYONE = 0
    READER = 1
    EDITOR = 2
    ADMIN = 3


ROLE_LEVEL: Final = {"auditor": Access.READER, "dispatcher": Access.EDITOR, "admin": Access.ADMIN}
READ_METHODS: Final = frozenset({b"GET", b"HEAD", b"OPTIONS"})

_PUBLIC_PREFIXES: Final = ("/static/", "/public/", "/api/public/", "/gtfs-rt/")
_PUBLIC_PATHS: Final = frozenset({"/login", "/logout", "/healthz", "/metrics", "/nis",
                                  "/api/session", "/favicon.ico"})
_ADMIN_PREFIXES: Final = ("/api/terminals", "/api/users", "/admin")


def required_access(method: bytes, path: str) -> Access:
    if path in _PUBLIC_PATHS or path.startswith(_PUBLIC_PREFIXES):
        return Access.ANYONE
    if path.startswith(_ADMIN_PREFIXES):
        return Access.ADMIN
    if method in READ_METHODS:
        return Access.READER
    return Access.EDITOR


def allowed(role: str | None, needed: Access, *, anonymous_read: bool) -> bool:
    if needed == Access.ANYONE:
        return True
    if role is None:
        return needed == Access.READER and anonymous_read
    return ROLE_LEVEL.get(role, Access.ANYONE) >= needed
