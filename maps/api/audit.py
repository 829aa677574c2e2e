"""``GET /api/audit`` (admins): the audit trail, filtered, as JSON or a CSV download.

Parameters: ``from``, ``to`` (ISO 8601; without an offset, the city's time; default the last
24 hours), ``who``, ``kind``, ``action``, ``limit`` (1..10000, default 1000) and
``format=csv`` (UTF-8 with BOM, ``;``, Russian headers, local times: ``maps.api.audit_export``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import Any

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.web.server import Request

from db import audit
from dispatch.local_time import file_stamp, parse_local
from maps.api.audit_export import ACTION_LABELS, KIND_LABELS, audit_csv, entry_view
from maps.api.json_resource import ApiError, JsonResource, Reply

MAX_LIMIT = 10_000


class AuditResource(JsonResource):
    def __init__(self, pool: adbapi.ConnectionPool, clock: Callable[[], datetime],
                 zone: tzinfo) -> None:
        super().__init__()
        self._pool, self._clock, self._zone = pool, clock, zone

    def get(self, request: Request) -> Deferred[Any]:
        if [p for p in (request.postpath or []) if p]:
            raise ApiError(404, "нет такого ресурса: /api/audit")
        end = self._moment(request, "to") or self._clock()
        start = self._moment(request, "from") or _day_before(end)
        if start >= end:
            raise ApiError(400, "from: должно быть раньше to", {"field": "from"})
        kind = _choice(request, "kind", KIND_LABELS)
        action = _choice(request, "action", ACTION_LABELS)
        limit = _limit(request)
        as_csv = _text(request, "format") == "csv"
        found: Deferred[list[audit.AuditEntry]] = self._pool.runInteraction(
            audit.query, since=start, until=end, actor=_text(request, "who"), kind=kind,
            action=action, limit=limit)

        def reply(entries: list[audit.AuditEntry]) -> Any:
            if as_csv:
                name = f"audit-{file_stamp(start, self._zone)}.csv"
                return Reply(200, audit_csv(entries, self._zone), "text/csv; charset=utf-8",
                             name)
            return {"from": start.isoformat(), "to": end.isoformat(), "limit": limit,
                    "truncated": len(entries) == limit,
                    "entries": [entry_view(e) for e in entries]}

        return found.addCallback(reply)

    def _moment(self, request: Request, name: str) -> datetime | None:
        text = _text(request, name)
        if text is None:
            return None
        try:
            value = parse_local(text, self._zone)
            value.astimezone(self._zone)  # a year 1 or 9999 edge that has no local time
        except (ValueError, OverflowError) as e:
            raise ApiError(400, f"{name}: время в формате ISO 8601, например "
                                "2026-12-05T08:00", {"field": name}) from e
        return value


def _day_before(end: datetime) -> datetime:
    try:
        return end - timedelta(hours=24)
    except OverflowError as e:
        raise ApiError(400, "to: слишком ранний момент; укажите и from", {"field": "to"}) from e


def _text(request: Request, name: str) -> str | None:
    values = (request.args or {}).get(name.encode())
    if not values or not values[0]:
        return None
    try:
        return str(values[0].decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ApiError(400, f"{name}: не UTF-8", {"field": name}) from e


def _choice(request: Request, name: str, known: dict[str, str]) -> str | None:
    value = _text(request, name)
    if value is not None and value not in known:
        raise ApiError(400, f"{name}: одно из {', '.join(known)}", {"field": name})
    return value


def _limit(request: Request) -> int:
    text = _text(request, "limit")
    if text is None:
        return 1000
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_LIMIT:
        raise ApiError(400, f"limit: целое от 1 до {MAX_LIMIT}", {"field": "limit"})
    return int(text)
