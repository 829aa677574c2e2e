"""The writer's rows as PostgreSQL's binary COPY stream (its documented format, network byte
order): the pure-Python reference of the encoder.

``db._compiled_copy`` is its compiled twin with the same contract (built by ``setup.py`` when a
C compiler is at hand); ``db.positions`` picks the one it uses (``egts_server.extensions``).
Both take rows as ``FixRow`` tuples, so this module needs nothing of ``positions``.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from egts_server.model import Position

#: A ``db.positions.FixRow``'s fields: terminal_id, vehicle_id, received_at, position.
CopyRow = tuple[int, int | None, datetime, Position]

#: The columns each row fills, in stream order.
COLUMNS = ("terminal_id", "vehicle_id", "fix_time", "received_at", "latitude", "longitude",
           "valid", "speed_kmh", "course_deg", "altitude_m", "satellites", "hdop", "inputs",
           "odometer_m", "black_box", "pz90", "protocol", "attributes")

PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
TRAILER = struct.pack(">h", -1)
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
JSON_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
                               check_circular=False).encode
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
            return JSON_ENCODE(dict(attributes))
        template = _TEMPLATES[keys] = (
            "{" + ",".join(JSON_ENCODE(k).replace("%", "%%") + ":%s" for k in keys) + "}")
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
            add(JSON_ENCODE(value))
    return template % tuple(values)


def encode_copy(rows: Sequence[CopyRow]) -> bytes:
    """The batch as one COPY BINARY stream, columns in ``COLUMNS`` (about 1 us per fix plus
    the attributes' JSON; the loop binds everything it calls to locals)."""
    out = [SIGNATURE]
    add = out.append
    head, head_vehicle, fix, flags, length = (_HEAD.pack, _HEAD_VEHICLE.pack, _FIX.pack, _FLAGS,
                                              _LENGTH)
    fields, epoch, microsecond = len(COLUMNS), PG_EPOCH, _MICROSECOND
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
    add(TRAILER)
    return b"".join(out)
