"""The one write path for fixes: binary COPY of a batch into a staging table, then an idempotent
``INSERT ... SELECT ... ON CONFLICT DO NOTHING``; never one INSERT per fix.

A resent fix (same terminal, fix time and coordinates) is stored once, whatever the resend
pattern; the live state row of each vehicle moves forward only to a newer valid fix.
"""

from __future__ import annotations

import io
import json
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from psycopg2.extensions import cursor as Cursor

from egts_server.model import Position


@dataclass(frozen=True, slots=True)
class FixRow:
    """A decoded fix with what intake knows about its origin."""

    terminal_id: int
    vehicle_id: int | None
    received_at: datetime
    position: Position


_COLUMNS = ("terminal_id", "vehicle_id", "fix_time", "received_at", "latitude", "longitude",
            "valid", "speed_kmh", "course_deg", "altitude_m", "satellites", "hdop", "inputs",
            "odometer_m", "black_box", "pz90", "protocol", "attributes")
_COLUMN_LIST = ", ".join(_COLUMNS)

_STAGE_COLUMNS = """
    terminal_id bigint, vehicle_id bigint, fix_time timestamptz, received_at timestamptz,
    latitude double precision, longitude double precision, valid boolean, speed_kmh real,
    course_deg real, altitude_m real, satellites smallint, hdop real, inputs bigint,
    odometer_m double precision, black_box boolean, pz90 boolean, protocol text, attributes jsonb
"""
_STAGE = (f"CREATE TEMP TABLE IF NOT EXISTS positions_stage ({_STAGE_COLUMNS})"
          " ON COMMIT DELETE ROWS")
_COPY = f"COPY positions_stage ({_COLUMN_LIST}) FROM STDIN WITH (FORMAT binary)"

# One round trip moves the batch and advances the live state: the insert skips fixes stored
# before (the natural key), in key order so concurrent writers meeting the same resends wait for
# each other instead of deadlocking; the live state moves only forward, to valid fixes.
_STORE = f"""
WITH moved AS (
    INSERT INTO positions ({_COLUMN_LIST})
    SELECT {_COLUMN_LIST} FROM positions_stage
    ORDER BY terminal_id, fix_time
    ON CONFLICT DO NOTHING
    RETURNING 1
), live AS (
    INSERT INTO vehicle_state AS s (vehicle_id, terminal_id, fix_time, received_at, latitude,
                                    longitude, valid, speed_kmh, course_deg, inputs, attributes)
    SELECT DISTINCT ON (vehicle_id) vehicle_id, terminal_id, fix_time, received_at, latitude,
           longitude, valid, speed_kmh, course_deg, inputs, attributes
    FROM positions_stage
    WHERE vehicle_id IS NOT NULL AND valid
    ORDER BY vehicle_id, fix_time DESC
    ON CONFLICT (vehicle_id) DO UPDATE SET
        terminal_id = EXCLUDED.terminal_id, fix_time = EXCLUDED.fix_time,
        received_at = EXCLUDED.received_at, latitude = EXCLUDED.latitude,
        longitude = EXCLUDED.longitude, valid = EXCLUDED.valid,
        speed_kmh = EXCLUDED.speed_kmh, course_deg = EXCLUDED.course_deg,
        inputs = EXCLUDED.inputs, attributes = EXCLUDED.attributes
    WHERE s.fix_time <= EXCLUDED.fix_time
    RETURNING 1
)
SELECT count(*) FROM moved
"""


def months_of(rows: Iterable[FixRow]) -> set[date]:
    """First days of the months the fixes fall in (the partitions they need)."""
    return {r.position.fix_time.date().replace(day=1) for r in rows}


def ensure_partitions(cur: Cursor, months: Iterable[date]) -> None:
    for month in sorted(months):
        cur.execute("SELECT ensure_positions_partition(%s)", (month,))


def ensure_stage(cur: Cursor) -> None:
    """Create this session's staging table (once per connection; its rows vanish at commit)."""
    cur.execute(_STAGE)


def insert_positions(cur: Cursor, rows: Sequence[FixRow], *, staged: bool = False) -> int:
    """Store a batch in the caller's transaction; return how many fixes were new.

    ``staged``: the caller knows this session already has the staging table (the writer
    remembers that per connection and saves a statement per transaction).

    Three round trips: the staging COPY, one statement that moves the batch and advances the
    live state, and the caller's COMMIT.
    """
    if not staged:
        ensure_stage(cur)
    cur.copy_expert(_COPY, io.BytesIO(encode_copy(rows)))
    cur.execute(_STORE)
    (stored,) = cur.fetchone() or (0,)
    return int(stored)


# -- binary COPY (PostgreSQL's documented COPY BINARY format, network byte order) ------------

_PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_TRAILER = struct.pack(">h", -1)
_NULL = struct.pack(">i", -1)
_HEAD = struct.Struct(">hiq")  # field count; terminal_id
_INT8 = struct.Struct(">iq")
# fix_time, received_at, latitude, longitude, valid, speed_kmh, course_deg
_FIX = struct.Struct(">iqiqididi?ifif")
_FLOAT4 = struct.Struct(">if")
_INT2 = struct.Struct(">ih")
_FLOAT8 = struct.Struct(">id")
_FLAGS = struct.Struct(">i?i?")  # black_box, pz90
_LENGTH = struct.Struct(">i")
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
_EMPTY_JSON = _LENGTH.pack(3) + b"\x01{}"  # jsonb binary: version 1, then the text


def _micros(when: datetime) -> int:
    """Microseconds since 2000-01-01 UTC (PostgreSQL's binary timestamptz)."""
    delta = when - _PG_EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def encode_copy(rows: Sequence[FixRow]) -> bytes:
    """The batch as one COPY BINARY stream for ``positions_stage``, columns in ``_COLUMNS``."""
    out = [_SIGNATURE]
    add = out.append
    received_cache: dict[datetime, int] = {}
    protocol_cache: dict[str, bytes] = {}
    for row in rows:
        p = row.position
        add(_HEAD.pack(len(_COLUMNS), 8, row.terminal_id))
        add(_NULL if row.vehicle_id is None else _INT8.pack(8, row.vehicle_id))
        received = received_cache.get(row.received_at)
        if received is None:
            received = received_cache[row.received_at] = _micros(row.received_at)
        add(_FIX.pack(8, _micros(p.fix_time), 8, received, 8, p.latitude, 8, p.longitude,
                      1, p.valid, 4, p.speed_kmh, 4, p.course_deg))
        add(_NULL if p.altitude_m is None else _FLOAT4.pack(4, p.altitude_m))
        add(_NULL if p.satellites is None else _INT2.pack(2, p.satellites))
        add(_NULL if p.hdop is None else _FLOAT4.pack(4, p.hdop))
        add(_NULL if p.inputs is None else _INT8.pack(8, p.inputs))
        add(_NULL if p.odometer_m is None else _FLOAT8.pack(8, p.odometer_m))
        add(_FLAGS.pack(1, p.black_box, 1, p.pz90))
        protocol = protocol_cache.get(p.device.protocol)
        if protocol is None:
            text = p.device.protocol.encode()
            protocol = protocol_cache[p.device.protocol] = _LENGTH.pack(len(text)) + text
        add(protocol)
        if p.attributes:
            doc = _JSON.encode(dict(p.attributes)).encode()
            add(_LENGTH.pack(len(doc) + 1))
            add(b"\x01")
            add(doc)
        else:
            add(_EMPTY_JSON)
    add(_TRAILER)
    return b"".join(out)
