"""Store-and-forward for the retranslator: the queue, its upstreams, leases and counters.

The queue (``retranslation_queue``, filled by a trigger on ``positions`` in the transaction
that stores a fix) holds one row per fix an upstream has not confirmed yet. Delivery deletes
the rows it got confirmations for, so "what is left" is always exactly "what is committed and
unconfirmed": a fix that a slow concurrent transaction commits late is simply there on the
next fetch, which a cursor over an insertion sequence could skip.

Every statement on the queue filters by upstream *and* vehicle (the distribution column under
Citus); only the console's summary aggregates across vehicles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from egts_server.model import DeviceKey, Position


@dataclass(frozen=True, slots=True)
class UpstreamRow:
    """An upstream as configured, in the terms the database keeps."""

    name: str
    address: str  # host:port, for the console
    enabled: bool
    vehicle_ids: tuple[int, ...]
    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True, order=True)
class QueueKey:
    """One queued fix: the positions natural key plus its vehicle."""

    vehicle_id: int
    fix_time: datetime
    terminal_id: int
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class QueuedFix:
    """A fix waiting for one upstream, with what is needed to send it."""

    key: QueueKey
    received_at: datetime
    egts_identifier: str | None  # the vehicle's first EGTS terminal (its default OID)
    position: Position


@dataclass(frozen=True, slots=True)
class Refused:
    """A fix the upstream answered with a non-zero result code."""

    key: QueueKey
    code: int


@dataclass(frozen=True, slots=True)
class VehicleDelivery:
    """Delivery of one vehicle's fixes to one upstream, for the console and /metrics."""

    vehicle_id: int
    vehicle_name: str | None
    oid: int | None
    backlog: int
    oldest_received_at: datetime | None  # of the fixes still queued
    sent: int
    delivered: int
    refused: int
    last_result: int | None
    last_refused_at: datetime | None
    last_fix_time: datetime | None
    last_delivered_at: datetime | None

    def lag_s(self, now: datetime) -> float:
        """How long the oldest undelivered fix has been waiting; 0 when nothing waits."""
        if self.backlog == 0 or self.oldest_received_at is None:
            return 0.0
        return max(0.0, (now - self.oldest_received_at).total_seconds())

    @property
    def ack_ratio(self) -> float | None:
        """Records confirmed per record written (resends count as written); None before any."""
        return self.delivered / self.sent if self.sent else None


@dataclass(frozen=True, slots=True)
class UpstreamDelivery:
    """One upstream: its state as its feeding process last reported it, and its vehicles."""

    id: int
    name: str
    address: str
    enabled: bool
    state: str
    state_detail: str
    state_at: datetime
    lease_owner: str | None
    lease_until: datetime | None
    last_login_at: datetime | None
    vehicles: tuple[VehicleDelivery, ...]


# -- upstreams, leases, state -----------------------------------------------------------------

def sync_upstreams(cur: Any, upstreams: Sequence[UpstreamRow]) -> dict[str, int]:
    """Make the table match the configuration; returns name -> id.

    Upstreams no longer configured are disabled (the trigger stops queueing for them) but
    kept with their queue, so re-enabling one resumes where it stopped. Queued fixes of
    vehicles an upstream no longer selects are dropped: nobody would ever send them.
    """
    ids: dict[str, int] = {}
    for u in upstreams:
        cur.execute(
            "INSERT INTO retranslation_upstreams (name, address, enabled, vehicle_ids, kinds)"
            " VALUES (%s, %s, %s, %s::bigint[], %s::text[])"
            " ON CONFLICT (name) DO UPDATE SET address = EXCLUDED.address,"
            " enabled = EXCLUDED.enabled, vehicle_ids = EXCLUDED.vehicle_ids,"
            " kinds = EXCLUDED.kinds RETURNING id",
            (u.name, u.address, u.enabled, list(u.vehicle_ids), list(u.kinds)))
        ids[u.name] = cur.fetchone()[0]
        cur.execute(
            "DELETE FROM retranslation_queue q USING vehicles v"
            " WHERE q.upstream_id = %s AND v.id = q.vehicle_id"
            " AND NOT (v.id = ANY (%s::bigint[]) OR v.kind = ANY (%s::text[]))",
            (ids[u.name], list(u.vehicle_ids), list(u.kinds)))
    cur.execute("UPDATE retranslation_upstreams SET enabled = false,"
                " state = 'not configured', state_at = now()"
                " WHERE NOT (name = ANY (%s::text[])) AND enabled", ([u.name for u in upstreams],))
    return ids


def claim_lease(cur: Any, upstream_id: int, owner: str, seconds: float) -> bool:
    """Take or extend the right to feed this upstream; False while another process holds it."""
    cur.execute(
        "UPDATE retranslation_upstreams"
        " SET lease_owner = %s, lease_until = now() + make_interval(secs => %s)"
        " WHERE id = %s AND (lease_owner = %s OR lease_owner IS NULL OR lease_until < now())",
        (owner, seconds, upstream_id, owner))
    return bool(cur.rowcount)


def release_lease(cur: Any, upstream_id: int, owner: str) -> None:
    cur.execute("UPDATE retranslation_upstreams SET lease_owner = NULL, lease_until = NULL"
                " WHERE id = %s AND lease_owner = %s", (upstream_id, owner))


def set_state(cur: Any, upstream_id: int, state: str, detail: str = "", *,
              logged_in: bool = False) -> None:
    """What the feeding process is doing now (shown on the console)."""
    cur.execute("UPDATE retranslation_upstreams SET state = %s, state_detail = %s,"
                " state_at = now(), last_login_at = CASE WHEN %s THEN now()"
                " ELSE last_login_at END WHERE id = %s",
                (state, detail, logged_in, upstream_id))


# -- the queue ---------------------------------------------------------------------------------

_ORDER = "q.fix_time, q.terminal_id, q.latitude, q.longitude"

_FETCH = f"""
WITH candidates AS (
    SELECT v.id AS vehicle_id,
           (SELECT t.identifier FROM terminals t
            WHERE t.vehicle_id = v.id AND t.protocol = 'egts' ORDER BY t.id LIMIT 1) AS egts
    FROM vehicles v JOIN retranslation_upstreams u ON u.id = %(u)s
    WHERE (v.id = ANY (u.vehicle_ids) OR v.kind = ANY (u.kinds))
      AND v.id <> ALL (%(exclude)s::bigint[])
), heads AS (
    SELECT c.vehicle_id, c.egts, h.received_at
    FROM candidates c
    CROSS JOIN LATERAL (
        SELECT q.received_at FROM retranslation_queue q
        WHERE q.upstream_id = %(u)s AND q.vehicle_id = c.vehicle_id
        ORDER BY {_ORDER} LIMIT 1) h
    ORDER BY h.received_at, c.vehicle_id
    LIMIT %(max_vehicles)s
)
SELECT q.vehicle_id, q.fix_time, q.terminal_id, q.latitude, q.longitude, q.received_at, h.egts,
       p.protocol, t.identifier, p.valid, p.speed_kmh, p.course_deg, p.altitude_m, p.satellites,
       p.hdop, p.inputs, p.odometer_m, p.black_box, p.pz90, p.attributes
FROM heads h
CROSS JOIN LATERAL (
    SELECT q.* FROM retranslation_queue q
    WHERE q.upstream_id = %(u)s AND q.vehicle_id = h.vehicle_id
    ORDER BY {_ORDER} LIMIT %(per_vehicle)s) q
LEFT JOIN positions p
       ON p.terminal_id = q.terminal_id AND p.fix_time = q.fix_time
      AND p.latitude = q.latitude AND p.longitude = q.longitude AND p.vehicle_id = q.vehicle_id
LEFT JOIN terminals t ON t.id = q.terminal_id
ORDER BY q.vehicle_id, {_ORDER}
"""


def fetch_pending(cur: Any, upstream_id: int, *, per_vehicle: int, max_vehicles: int,
                  exclude: Iterable[int] = ()) -> list[QueuedFix]:
    """The oldest ``per_vehicle`` queued fixes (by fix time) of up to ``max_vehicles`` vehicles,
    those waiting longest first; grouped by vehicle, each group in fix-time order.

    Queued fixes whose stored fix is gone (its month was dropped by retention) are deleted
    here: they can never be sent.
    """
    cur.execute(_FETCH, {"u": upstream_id, "exclude": list(exclude),
                         "per_vehicle": per_vehicle, "max_vehicles": max_vehicles})
    fixes: list[QueuedFix] = []
    orphans: list[QueueKey] = []
    for (vehicle_id, fix_time, terminal_id, lat, lon, received_at, egts, protocol, identifier,
         valid, speed, course, altitude, satellites, hdop, inputs, odometer, black_box, pz90,
         attributes) in cur.fetchall():
        key = QueueKey(vehicle_id, fix_time, terminal_id, lat, lon)
        if protocol is None:
            orphans.append(key)
            continue
        position = Position(
            device=DeviceKey(protocol, identifier or str(terminal_id)), fix_time=fix_time,
            latitude=lat, longitude=lon, valid=valid, speed_kmh=speed, course_deg=course,
            altitude_m=altitude, satellites=satellites, hdop=hdop, inputs=inputs,
            odometer_m=odometer, black_box=black_box, pz90=pz90, attributes=attributes or {})
        fixes.append(QueuedFix(key, received_at, egts, position))
    if orphans:
        _delete(cur, upstream_id, orphans)
    return fixes


def _array(values: Iterable[Any]) -> str:
    """A PostgreSQL array literal passed as one text parameter.

    Thousands of keys as psycopg2's ``ARRAY[...]`` of typed literals cost more to parse and
    plan than to execute; one string is parsed once. ``repr`` of a float and ``isoformat`` of
    a datetime read back to exactly the same value, so the keys still match exactly.
    """
    return "{" + ",".join(v.isoformat() if isinstance(v, datetime) else repr(v)
                          for v in values) + "}"


def _delete(cur: Any, upstream_id: int, keys: Sequence[QueueKey]) -> int:
    """Delete queued fixes by key: one primary-key probe each.

    With a large queue the planner would rather hash the whole queue than probe it a few
    thousand times (200 ms against 10 ms for 2000 keys in 100 000), so joins other than the
    nested loop are off for the rest of this (short) transaction.
    """
    cur.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
    cur.execute(
        "DELETE FROM retranslation_queue q"
        " USING unnest(%s::bigint[], %s::timestamptz[], %s::bigint[], %s::float8[],"
        "              %s::float8[]) AS d(vehicle_id, fix_time, terminal_id, latitude, longitude)"
        " WHERE q.upstream_id = %s AND q.vehicle_id = d.vehicle_id"
        " AND q.fix_time = d.fix_time AND q.terminal_id = d.terminal_id"
        " AND q.latitude = d.latitude AND q.longitude = d.longitude",
        (_array(k.vehicle_id for k in keys), _array(k.fix_time for k in keys),
         _array(k.terminal_id for k in keys), _array(k.latitude for k in keys),
         _array(k.longitude for k in keys), upstream_id))
    deleted: int = cur.rowcount
    return deleted


@dataclass(slots=True)
class _Tally:
    oid: int | None = None
    sent: int = 0
    delivered: int = 0
    refused: int = 0
    last_result: int | None = None
    last_fix_time: datetime | None = None


def confirm(cur: Any, upstream_id: int, *, delivered: Sequence[QueueKey],
            refused: Sequence[Refused], sent: Mapping[int, int], oids: Mapping[int, int],
            now: datetime) -> int:
    """Record one round's outcome: confirmed fixes leave the queue, counters move on.

    ``sent`` counts records written per vehicle, resends included (so delivered / sent is the
    acknowledgement rate); refused fixes stay queued. Returns how many rows left the queue.
    """
    tallies: dict[int, _Tally] = {}
    for vehicle_id, n in sent.items():
        tallies.setdefault(vehicle_id, _Tally()).sent += n
    for key in delivered:
        t = tallies.setdefault(key.vehicle_id, _Tally())
        t.delivered += 1
        if t.last_fix_time is None or key.fix_time > t.last_fix_time:
            t.last_fix_time = key.fix_time
    for r in refused:
        t = tallies.setdefault(r.key.vehicle_id, _Tally())
        t.refused += 1
        t.last_result = r.code
    for vehicle_id, t in tallies.items():
        t.oid = oids.get(vehicle_id)
    removed = _delete(cur, upstream_id, delivered) if delivered else 0
    if tallies:
        vehicles = sorted(tallies)
        cur.execute(
            "INSERT INTO retranslation_progress AS p (upstream_id, vehicle_id, oid, sent,"
            " delivered, refused, last_result, last_refused_at, last_fix_time,"
            " last_delivered_at)"
            " SELECT %s, x.v, x.oid, x.s, x.d, x.r, x.lr,"
            "        CASE WHEN x.lr IS NOT NULL THEN %s::timestamptz END, x.lf,"
            "        CASE WHEN x.d > 0 THEN %s::timestamptz END"
            " FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[],"
            "             %s::smallint[], %s::timestamptz[]) AS x(v, oid, s, d, r, lr, lf)"
            " ON CONFLICT (upstream_id, vehicle_id) DO UPDATE SET"
            " oid = coalesce(EXCLUDED.oid, p.oid), sent = p.sent + EXCLUDED.sent,"
            " delivered = p.delivered + EXCLUDED.delivered,"
            " refused = p.refused + EXCLUDED.refused,"
            " last_result = coalesce(EXCLUDED.last_result, p.last_result),"
            " last_refused_at = coalesce(EXCLUDED.last_refused_at, p.last_refused_at),"
            " last_fix_time = greatest(p.last_fix_time, EXCLUDED.last_fix_time),"
            " last_delivered_at = coalesce(EXCLUDED.last_delivered_at, p.last_delivered_at)",
            (upstream_id, now, now, vehicles, [tallies[v].oid for v in vehicles],
             [tallies[v].sent for v in vehicles], [tallies[v].delivered for v in vehicles],
             [tallies[v].refused for v in vehicles], [tallies[v].last_result for v in vehicles],
             [tallies[v].last_fix_time for v in vehicles]))
    return removed


# -- the console ---------------------------------------------------------------------------------

def delivery_report(cur: Any) -> list[UpstreamDelivery]:
    """Every upstream with its per-vehicle backlog and counters (one scan of the queue)."""
    cur.execute("""
        SELECT coalesce(b.upstream_id, p.upstream_id), coalesce(b.vehicle_id, p.vehicle_id),
               v.name, p.oid, coalesce(b.backlog, 0), b.oldest_received_at,
               coalesce(p.sent, 0), coalesce(p.delivered, 0), coalesce(p.refused, 0),
               p.last_result, p.last_refused_at, p.last_fix_time, p.last_delivered_at
        FROM (SELECT upstream_id, vehicle_id, count(*) AS backlog,
                     min(received_at) AS oldest_received_at
              FROM retranslation_queue GROUP BY upstream_id, vehicle_id) b
        FULL JOIN retranslation_progress p
               ON p.upstream_id = b.upstream_id AND p.vehicle_id = b.vehicle_id
        LEFT JOIN vehicles v ON v.id = coalesce(b.vehicle_id, p.vehicle_id)
        ORDER BY 1, 2""")
    by_upstream: dict[int, list[VehicleDelivery]] = {}
    for row in cur.fetchall():
        by_upstream.setdefault(row[0], []).append(VehicleDelivery(*row[1:]))
    cur.execute("SELECT id, name, address, enabled, state, state_detail, state_at, lease_owner,"
                " lease_until, last_login_at FROM retranslation_upstreams ORDER BY name")
    return [UpstreamDelivery(id=row[0], name=row[1], address=row[2], enabled=row[3],
                             state=row[4], state_detail=row[5], state_at=row[6],
                             lease_owner=row[7], lease_until=row[8], last_login_at=row[9],
                             vehicles=tuple(by_upstream.get(row[0], ())))
            for row in cur.fetchall()]
