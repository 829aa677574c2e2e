"""Alerts in PostGIS: the fleet snapshot the alert sources judge, and the stored alerts.

:func:`sync` turns one run's conditions into rows: a condition without an open alert raises
one, a condition that still holds only refreshes its open alert, and an open alert whose
condition no longer holds is closed (table ``alerts``, ``0013_alerts.sql``). Acknowledging is
done as a signed-in user (``db.audit.act_as``), so the audit trail names who and when.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from db.coverage import fixes_for_coverage, vehicle_infos
from db.routes import routes_for_window
from db.storms import storms_going_on
from dispatch.alerts import Condition, FleetSnapshot, LastFix

__all__ = ["AlertFilter", "Synced", "StoredAlert", "acknowledge", "fleet_snapshot",
           "list_alerts", "sync", "unacknowledged"]


@dataclass(frozen=True, slots=True)
class StoredAlert:
    id: int
    kind: str
    vehicle_id: int | None
    vehicle: str | None
    route_id: int | None
    route: str | None
    started_at: datetime
    raised_at: datetime
    seen_at: datetime
    cleared_at: datetime | None
    lon: float | None
    lat: float | None
    details: dict[str, Any]
    acknowledged_at: datetime | None
    acknowledged_by: str | None


@dataclass(frozen=True, slots=True)
class Synced:
    """What one run changed: alerts raised and closed."""

    raised: int
    cleared: int


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """Alerts raised in ``[since, until)`` of these kinds, vehicle, route, acknowledgement
    state (``None``: any)."""

    since: datetime | None = None
    until: datetime | None = None
    kinds: Sequence[str] | None = None
    vehicle_id: int | None = None
    route_id: int | None = None
    acknowledged: bool | None = None
    limit: int = 500


def fleet_snapshot(cur: Any, now: datetime, lookback_s: float) -> FleetSnapshot:
    """Fixes of the last ``lookback_s``, the registry, the routes in force (none from the bin),
    the storms going on and every vehicle's latest fix, as of ``now``."""
    fixes = fixes_for_coverage(cur, now - timedelta(seconds=lookback_s), now)
    cur.execute("SELECT vehicle_id, extract(epoch FROM fix_time)::float8, longitude, latitude"
                " FROM vehicle_state")
    last = {int(r[0]): LastFix(r[1], r[2], r[3]) for r in cur.fetchall()}
    return FleetSnapshot(now=now, fixes=fixes, vehicles=vehicle_infos(cur),
                         routes=routes_for_window(cur, now, now, live_only=True),
                         storms=storms_going_on(cur, now), last_fixes=last)


def sync(cur: Any, conditions: Sequence[Condition], kinds: Sequence[str],
         now: datetime) -> Synced:
    """Store one run of the sources that judge ``kinds``: raise, refresh and close alerts.

    One statement each way, whatever the fleet's size. A condition about a vehicle or route
    no longer in the registry is skipped; of two about one subject and kind, the first counts.
    """
    unique: dict[tuple[int, int, str], Condition] = {}
    for c in conditions:
        unique.setdefault(c.subject, c)
    held = list(unique.values())
    cur.execute(
        "INSERT INTO alerts (kind, vehicle_id, route_id, started_at, raised_at, seen_at,"
        " longitude, latitude, details)"
        " SELECT c.kind, c.vehicle, c.route, to_timestamp(c.since), %(now)s, %(now)s, c.lon,"
        " c.lat, c.details"
        " FROM unnest(%(kinds)s::text[], %(vehicles)s::bigint[], %(routes)s::bigint[],"
        "             %(since)s::float8[], %(lons)s::float8[], %(lats)s::float8[],"
        "             %(details)s::jsonb[])"
        "      AS c (kind, vehicle, route, since, lon, lat, details)"
        # a vehicle removed from the fleet raises nothing (it is silent for a reason)
        " WHERE (c.vehicle IS NULL OR EXISTS (SELECT 1 FROM vehicles WHERE id = c.vehicle"
        "                                     AND deleted_at IS NULL))"
        " AND (c.route IS NULL OR EXISTS (SELECT 1 FROM routes WHERE id = c.route))"
        " ON CONFLICT (kind, coalesce(vehicle_id, 0), coalesce(route_id, 0))"
        " WHERE cleared_at IS NULL"
        " DO UPDATE SET seen_at = excluded.seen_at, details = excluded.details"
        " RETURNING xmax = 0",
        {"now": now, "kinds": [c.kind for c in held],
         "vehicles": [c.vehicle_id for c in held], "routes": [c.route_id for c in held],
         "since": [c.since for c in held], "lons": [c.lon for c in held],
         "lats": [c.lat for c in held],
         "details": [json.dumps(dict(c.details), ensure_ascii=False, default=str)
                     for c in held]})
    raised = sum(1 for (new,) in cur.fetchall() if new)
    cur.execute("UPDATE alerts SET cleared_at = %(now)s WHERE cleared_at IS NULL"
                " AND kind = ANY(%(kinds)s)"
                " AND (coalesce(vehicle_id, 0), coalesce(route_id, 0), kind) NOT IN"
                " (SELECT * FROM unnest(%(vehicles)s::bigint[], %(routes)s::bigint[],"
                "                       %(held)s::text[]))",
                {"now": now, "kinds": list(kinds), "vehicles": [k[0] for k in unique],
                 "routes": [k[1] for k in unique], "held": [k[2] for k in unique]})
    return Synced(raised, cur.rowcount)


_COLUMNS = ("a.id, a.kind, a.vehicle_id, v.name, a.route_id, r.name, a.started_at,"
            " a.raised_at, a.seen_at, a.cleared_at, a.longitude, a.latitude, a.details,"
            " a.acknowledged_at, a.acknowledged_by")
_FROM = (" FROM alerts a LEFT JOIN vehicles v ON v.id = a.vehicle_id"
         " LEFT JOIN routes r ON r.id = a.route_id")


def list_alerts(cur: Any, where: AlertFilter) -> list[StoredAlert]:
    """Alerts matching every filter given, newest first."""
    cur.execute(f"SELECT {_COLUMNS}{_FROM}"
                " WHERE (%(since)s::timestamptz IS NULL OR a.raised_at >= %(since)s)"
                " AND (%(until)s::timestamptz IS NULL OR a.raised_at < %(until)s)"
                " AND (%(kinds)s::text[] IS NULL OR a.kind = ANY(%(kinds)s))"
                " AND (%(vehicle)s::bigint IS NULL OR a.vehicle_id = %(vehicle)s)"
                " AND (%(route)s::bigint IS NULL OR a.route_id = %(route)s)"
                " AND (%(acknowledged)s::boolean IS NULL"
                "      OR (a.acknowledged_at IS NOT NULL) = %(acknowledged)s)"
                " ORDER BY a.raised_at DESC, a.id DESC LIMIT %(limit)s",
                {"since": where.since, "until": where.until,
                 "kinds": None if where.kinds is None else list(where.kinds),
                 "vehicle": where.vehicle_id, "route": where.route_id,
                 "acknowledged": where.acknowledged,
                 "limit": where.limit})
    return [StoredAlert(*row) for row in cur.fetchall()]


def unacknowledged(cur: Any) -> int:
    """How many alerts no dispatcher has acknowledged yet."""
    cur.execute("SELECT count(*) FROM alerts WHERE acknowledged_at IS NULL")
    count: int = cur.fetchone()[0]
    return count


def acknowledge(cur: Any, alert_id: int, login: str, at: datetime) -> StoredAlert | None:
    """Mark the alert acknowledged by ``login`` at ``at`` (an acknowledged one stays as it
    was); ``None`` when there is no such alert."""
    cur.execute("UPDATE alerts SET acknowledged_at = %s, acknowledged_by = %s"
                " WHERE id = %s AND acknowledged_at IS NULL", (at, login, alert_id))
    cur.execute(f"SELECT {_COLUMNS}{_FROM} WHERE a.id = %s", (alert_id,))
    row = cur.fetchone()
    return None if row is None else StoredAlert(*row)
