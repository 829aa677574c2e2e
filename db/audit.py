"""The audit trail (table ``audit_log``, append-only): who changed what, when and from where.

Changes to routes, marks, storms, vehicles, terminals, terminal commands and users are written
by table triggers in the transaction of the change (``0010_audit.sql``), with the rows before
and after; the caller only says who is acting, with :func:`act_as` (or :func:`acting` around
a pool interaction). Events that change no registry row, such as sign-ins, go through
:func:`record`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

__all__ = ["Actor", "AuditEntry", "act_as", "acting", "query", "record"]

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change: a signed-in login with its role and address, or ``cli:<OS user>``."""

    login: str | None
    role: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str | None
    role: str | None
    address: str | None
    action: str
    kind: str
    object_id: str | None
    before: Any
    after: Any
    detail: str | None


def act_as(cur: Any, actor: Actor, *, whole_session: bool = False) -> None:
    """Attribute the writes of the current transaction (or, with ``whole_session``, of every
    later one on this connection) to ``actor``: the audit triggers read these settings."""
    cur.execute("SELECT set_config('glonass.audit_login', %(login)s, %(local)s),"
                " set_config('glonass.audit_role', %(role)s, %(local)s),"
                " set_config('glonass.audit_address', %(address)s, %(local)s)",
                {"login": actor.login or "", "role": actor.role or "",
                 "address": actor.address or "", "local": not whole_session})


def acting(actor: Actor,
           work: Callable[Concatenate[Any, P], T]) -> Callable[Concatenate[Any, P], T]:
    """``work`` (a function of a cursor, as ``runInteraction`` calls it) done as ``actor``."""

    def done_as(cur: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        act_as(cur, actor)
        return work(cur, *args, **kwargs)

    return done_as


def record(cur: Any, *, actor: str | None, role: str | None, address: str | None, action: str,
           kind: str, object_id: str | None, before: Any = None, after: Any = None,
           detail: str | None = None) -> None:
    """Append one event in the caller's transaction; ``before``/``after`` are JSON values."""
    cur.execute("INSERT INTO audit_log (actor, role, address, action, kind, object_id, before,"
                " after, detail) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (actor, role, address, action, kind, object_id, _jsonb(before), _jsonb(after),
                 detail))


def query(cur: Any, *, since: datetime | None, until: datetime | None,
          actor: str | None = None, kind: str | None = None, action: str | None = None,
          limit: int = 1000) -> list[AuditEntry]:
    """Entries in ``[since, until)`` matching every filter given, newest first."""
    cur.execute("SELECT id, at, actor, role, address, action, kind, object_id, before, after,"
                " detail FROM audit_log"
                " WHERE (%(since)s::timestamptz IS NULL OR at >= %(since)s)"
                " AND (%(until)s::timestamptz IS NULL OR at < %(until)s)"
                " AND (%(actor)s::text IS NULL OR actor = %(actor)s)"
                " AND (%(kind)s::text IS NULL OR kind = %(kind)s)"
                " AND (%(action)s::text IS NULL OR action = %(action)s)"
                " ORDER BY at DESC, id DESC LIMIT %(limit)s",
                {"since": since, "until": until, "actor": actor, "kind": kind, "action": action,
                 "limit": limit})
    return [AuditEntry(*row) for row in cur.fetchall()]


def _jsonb(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)
