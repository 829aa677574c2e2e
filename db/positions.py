"""The one write path for fixes, never one INSERT per fix: a batch goes to ``positions`` with
one binary COPY (``copy_positions``) or, when it may hold fixes stored before, through a staging
table and an idempotent ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` (``insert_positions``).

A resent fix (same terminal, fix time and coordinates) is stored once, whatever the resend
pattern: the COPY fails on it as a whole (the natural key), and the caller then takes the
idempotent path. The live state row of each vehicle moves forward only to a newer valid fix; a
trigger on ``positions`` keeps it (migration 0008), whichever statement inserted the fixes.
"""

from __future__ import annotations

import io
import json
import math
import operator
import struct
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from psycopg2.extensions import cursor as Cursor

from egts_server.model import Position


class FixRow(NamedTuple):
    """A decoded fix with what intake knows about its origin.

    A named tuple, like ``Position``: intake builds one per fix, and the COPY encoder unpacks
    it in one step.
    """

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

_DIRECT_COPY = f"COPY positions ({_COLUMN_LIST}) FROM STDIN WITH (FORMAT binary)"

# Skips fixes stored before (the natural key), in key order so concurrent writers meeting the
# same resends wait for each other instead of deadlocking.
_STORE = (f"INSERT INTO positions ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} FROM positions_stage"
          " ORDER BY terminal_id, fix_time ON CONFLICT DO NOTHING")


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
    """Store a batch in the caller's transaction, skipping fixes stored before; return how many
    fixes were new.

    ``staged``: the caller knows this session already has the staging table (the writer
    remembers that per connection and saves a statement per transaction).
    """
    if not staged:
        ensure_stage(cur)
    _copy(cur, _COPY, encode_copy(rows))
    cur.execute(_STORE)
    return int(cur.rowcount)


# The primary key of ``positions``: a batch sorted by it takes the key's locks in one order.
_NATURAL_ORDER = operator.attrgetter("terminal_id", "position.fix_time", "position.latitude",
                                     "position.longitude")


def copy_positions(cur: Cursor, rows: Sequence[FixRow]) -> int:
    """Store a batch of fixes none of which is stored yet with one COPY straight into
    ``positions`` (in the caller's transaction, or its own in autocommit mode); return how many
    were stored. The database does about half the work of ``insert_positions`` for a large
    batch and a third for a small one (no second pass over the rows, no speculative insertion,
    no staging table to empty at commit).

    A fix stored before fails the whole COPY with ``psycopg2.errors.UniqueViolation``; then use
    ``insert_positions`` (after rolling back the caller's transaction, if there is one). The
    rows go in natural key order, so two writers copying the same resent fixes wait for each
    other instead of deadlocking.
    """
    ordered = sorted(rows, key=_NATURAL_ORDER)
    _copy(cur, _DIRECT_COPY, encode_copy(ordered))
    return len(ordered)


def _copy(cur: Cursor, statement: str, data: bytes) -> None:
    """Send the whole stream in one piece (psycopg2 would read it 8 KiB at a time)."""
    cur.copy_expert(statement, io.BytesIO(data), size=max(len(data), 8192))


# -- binary COPY (PostgreSQL's documented COPY BINARY format, network byte order) ------------

_PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_TRAILER = struct.pack(">h", -1)
_NULL = struct.pack(">i", -1)
_HEAD = struct.Struct(">hiqi")  # field count; terminal_id; vehicle_id's length (NULL: -1)
_HEAD_VEHICLE = struct.Struct(">hiqiq")  # field count; terminal_id; vehicle_id
# fix_time, received_at, latitude, longitude, valid, speed_kmh, course_deg
_FIX = struct.Struct(">iqiqididi?ifif")
_FLOAT4 = struct.Struct(">if").pack
_INT2 = struct.Struct(">ih").pack
_INT8 = struct.Struct(">iq").pack
_FLOAT8 = struct.Struct(">id").pack
_FLAGS = struct.Struct(">i?i?").pack  # black_box, pz90
_LENGTH = struct.Struct(">i").pack
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
_EMPTY_JSON = _LENGTH(3) + b"\x01{}"  # jsonb binary: version 1, then the text
_MICROSECOND = timedelta(microseconds=1)


# Attribute mappings are small and flat, and their key sets repeat (one per kind of record a
# terminal sends), so their JSON is a template per key set filled with the values: about half
# the cost of json's encoder, which is built anew on every call, and the largest part of
# encoding a fix. The output is json's, byte for byte. The cache is bounded: key sets come from
# the terminals.
_TEMPLATES: dict[tuple[str, ...], str] = {}
_MAX_TEMPLATES = 1024


def attributes_json(attributes: Mapping[str, object]) -> str:
    """``attributes`` as compact JSON (what ``json.dumps(..., separators=(",", ":"))`` gives)."""
    keys = tuple(attributes)
    template = _TEMPLATES.get(keys)
    if template is None:
        if len(_TEMPLATES) >= _MAX_TEMPLATES or not all(type(k) is str for k in keys):
            return _JSON(dict(attributes))
        template = _TEMPLATES[keys] = (
            "{" + ",".join(_JSON(k).replace("%", "%%") + ":%s" for k in keys) + "}")
    values: list[str] = []
    add = values.append
    for value in attributes.values():
        if value is True:
            add("true")
        elif value is False:
            add("false")
        elif isinstance(value, int):
            add(int.__repr__(value))
        elif isinstance(value, float) and math.isfinite(value):
            add(float.__repr__(value))
        else:
            add(_JSON(value))
    return template % tuple(values)


def encode_copy(rows: Sequence[FixRow]) -> bytes:
    """The batch as one COPY BINARY stream, columns in ``_COLUMNS`` (about 1 us per fix plus
    the attributes' JSON; the loop binds everything it calls to locals)."""
    out = [_SIGNATURE]
    add = out.append
    head, head_vehicle, fix, flags, length = (_HEAD.pack, _HEAD_VEHICLE.pack, _FIX.pack, _FLAGS,
                                              _LENGTH)
    fields, epoch, microsecond = len(_COLUMNS), _PG_EPOCH, _MICROSECOND
    received_cache: dict[datetime, int] = {}
    protocol_cache: dict[str, bytes] = {}
    for terminal_id, vehicle_id, received_at, p in rows:
        add(head(fields, 8, terminal_id, -1) if vehicle_id is None else
            head_vehicle(fields, 8, terminal_id, 8, vehicle_id))
        received = received_cache.get(received_at)
        if received is None:
            received = received_cache[received_at] = (received_at - epoch) // microsecond
        add(fix(8, (p.fix_time - epoch) // microsecond, 8, received, 8, p.latitude, 8,
                p.longitude, 1, p.valid, 4, p.speed_kmh, 4, p.course_deg))
        add(_NULL if p.altitude_m is None else _FLOAT4(4, p.altitude_m))
        add(_NULL if p.satellites is None else _INT2(2, p.satellites))
        add(_NULL if p.hdop is None else _FLOAT4(4, p.hdop))
        add(_NULL if p.inputs is None else _INT8(8, p.inputs))
        add(_NULL if p.odometer_m is None else _FLOAT8(8, p.odometer_m))
        add(flags(1, p.black_box, 1, p.pz90))
        protocol = protocol_cache.get(p.device.protocol)
        if protocol is None:
            text = p.device.protocol.encode()
            protocol = protocol_cache[p.device.protocol] = length(len(text)) + text
        add(protocol)
        if p.attributes:
            doc = attributes_json(p.attributes).encode()
            add(length(len(doc) + 1) + b"\x01" + doc)
        else:
            add(_EMPTY_JSON)
    add(_TRAILER)
    return b"".join(out)
