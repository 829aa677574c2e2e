"""Reads for dispatch (fixes as columns, the vehicle registry) and sealed coverage acts.

Fixes are read with a binary ``COPY`` straight into numpy: a city day is over a million rows,
and a Python tuple per row would cost more than the whole coverage computation. Every column
is made non-NULL in SQL (sentinels: -1, NaN), so each row has the same size and the buffer is
one structured array. The selection is shardable as DESIGN.md asks: by vehicle and time, plus
the bounding box of the routes so that fixes far from every route are not shipped at all.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

import numpy as np

from dispatch.acts import act_route_versions, content_hash
from dispatch.equipment import VehicleInfo
from dispatch.fixes import FixArrays
from dispatch.incremental import FixChanges

__all__ = [
    "BBox",
    "fixes_changed",
    "fixes_for_coverage",
    "get_act",
    "latest_result",
    "save_result",
    "vehicle_infos",
]

BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat

_SENSOR_KEY: Final = ("coalesce(v.equipment ->> 'attribute', "
                      "'adc' || (v.equipment ->> 'analog'))")
#: The sensor's value from the fix attributes; only computed when some vehicle's equipment
#: names an attribute or analog sensor (JSON per row costs as much as the rest of the read).
_SENSOR_VALUE: Final = f"""coalesce(CASE jsonb_typeof(p.attributes -> {_SENSOR_KEY})
                  WHEN 'number' THEN (p.attributes ->> {_SENSOR_KEY})::float8
                  WHEN 'boolean' THEN CASE WHEN (p.attributes ->> {_SENSOR_KEY})::boolean
                                           THEN 1.0 ELSE 0.0 END
                END, 'NaN'::float8)"""
_SELECT: Final = """
SELECT p.vehicle_id, p.fix_time, p.longitude, p.latitude,
       p.speed_kmh, p.course_deg, p.valid, coalesce(p.satellites, -1::smallint),
       coalesce(p.hdop, 'NaN'::real), coalesce(p.inputs, -1::bigint), {sensor}, p.black_box,
       p.received_at
FROM positions p JOIN vehicles v ON v.id = p.vehicle_id
WHERE p.fix_time BETWEEN %(start)s AND %(end)s
"""
# wire types: bigint, timestamptz (int64 microseconds since 2000, converted in numpy: cheaper
# than extract(epoch), which computes in numeric), float8, float8, real, real, bool, ...
_FIELDS: Final = (("vehicle", ">i8"), ("t", ">i8"), ("lon", ">f8"), ("lat", ">f8"),
                  ("speed_kmh", ">f4"), ("course_deg", ">f4"), ("valid", "?"),
                  ("satellites", ">i2"), ("hdop", ">f4"), ("inputs", ">i8"),
                  ("sensor_value", ">f8"), ("black_box", "?"), ("received", ">i8"))
_NATIVE: Final = {"vehicle": np.int64, "t": np.float64, "lon": np.float64, "lat": np.float64,
                  "speed_kmh": np.float64, "course_deg": np.float64, "valid": np.bool_,
                  "satellites": np.int64, "hdop": np.float64, "inputs": np.int64,
                  "sensor_value": np.float64, "black_box": np.bool_, "received": np.float64}
_TIMES: Final = ("t", "received")
_EPOCH_2000_US: Final = 946_684_800_000_000  # PostgreSQL's epoch in Unix microseconds
_ROW: Final = np.dtype([("count", ">i2")] + [
    item for name, kind in _FIELDS for item in ((f"len_{name}", ">i4"), (name, kind))])
_HEADER: Final = 19  # signature (11) + flags (4) + header extension length (4, always 0 here)


def fixes_for_coverage(cur: Any, start: datetime, end: datetime, *,
                       vehicle_ids: Sequence[int] | None = None,
                       bbox: BBox | None = None,
                       new_since: tuple[datetime, tuple[datetime, datetime]] | None = None
                       ) -> FixArrays:
    """Every stored fix of registered vehicles in [start, end] (black-box data included).

    ``new_since=(arrival, previous)``: only those that arrived after ``arrival`` or whose fix
    time lies outside the ``previous`` window (what a read for it did not return).
    """
    cur.execute("SELECT EXISTS (SELECT 1 FROM vehicles"
                " WHERE equipment ? 'attribute' OR equipment ? 'analog')")
    sensor = _SENSOR_VALUE if cur.fetchone()[0] else "'NaN'::float8"
    sql = _SELECT.format(sensor=sensor)
    params: dict[str, Any] = {"start": start, "end": end}
    if vehicle_ids is not None:
        sql += " AND p.vehicle_id = ANY(%(vehicles)s)"
        params["vehicles"] = list(vehicle_ids)
    sql += _in_box(bbox, params)
    if new_since is not None:
        sql += (" AND (p.received_at > %(since)s"
                " OR NOT p.fix_time BETWEEN %(previous_from)s AND %(previous_to)s)")
        params.update(since=new_since[0], previous_from=new_since[1][0],
                      previous_to=new_since[1][1])
    query = cur.mogrify(sql, params).decode("utf-8")
    buffer = io.BytesIO()
    cur.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT binary)", buffer)
    return _parse_binary_copy(buffer.getvalue())


def _in_box(bbox: BBox | None, params: dict[str, Any]) -> str:
    """The condition that a fix lies in ``bbox`` (none without one); adds its parameters."""
    if bbox is None:
        return ""
    params.update(x0=bbox[0], y0=bbox[1], x1=bbox[2], y1=bbox[3])
    return (" AND p.longitude BETWEEN %(x0)s AND %(x1)s"
            " AND p.latitude BETWEEN %(y0)s AND %(y1)s")


def _parse_binary_copy(data: bytes) -> FixArrays:
    if not data.startswith(b"PGCOPY\n\xff\r\n\x00"):
        raise ValueError("not a PostgreSQL binary COPY stream")
    extension = int.from_bytes(data[15:19], "big")
    body = memoryview(data)[_HEADER + extension:len(data) - 2]  # trailer: int16 -1
    if len(body) % _ROW.itemsize:
        raise ValueError("binary COPY rows are not the expected fixed size")
    rows = np.frombuffer(body, dtype=_ROW)
    if len(rows) and (np.any(rows["count"] != len(_FIELDS)) or any(
            np.any(rows[f"len_{name}"] != np.dtype(kind).itemsize) for name, kind in _FIELDS)):
        raise ValueError("binary COPY row layout differs (a NULL slipped through?)")
    columns: dict[str, Any] = {name: rows[name].astype(_NATIVE[name])
                               for name, _ in _FIELDS if name not in _TIMES}
    for name in _TIMES:  # exact integers < 2**53 divided once: the nearest double, as in SQL
        columns[name] = (rows[name].astype(np.int64) + _EPOCH_2000_US) / 1e6
    return FixArrays(**columns)


def fixes_changed(cur: Any, since: datetime, previous: tuple[datetime, datetime],
                  window: tuple[datetime, datetime], *, bbox: BBox | None = None) -> FixChanges:
    """Fixes of registered vehicles that ``fixes_for_coverage`` reads for ``window`` and did
    not for ``previous`` as of ``since``, or the other way round: those that arrived after
    ``since`` with fix times in ``window`` (late black-box data) and those whose fix time is
    in one window only."""
    sql = """
        SELECT p.vehicle_id, extract(epoch FROM p.fix_time)::float8, p.longitude, p.latitude
        FROM positions p JOIN vehicles v ON v.id = p.vehicle_id
        WHERE p.fix_time BETWEEN least(%(s0)s, %(s1)s) AND greatest(%(e0)s, %(e1)s)
          AND ((p.fix_time BETWEEN %(s0)s AND %(e0)s) <> (p.fix_time BETWEEN %(s1)s AND %(e1)s)
               OR (p.received_at > %(since)s AND p.fix_time BETWEEN %(s1)s AND %(e1)s))"""
    params: dict[str, Any] = {"since": since, "s0": previous[0], "e0": previous[1],
                              "s1": window[0], "e1": window[1]}
    sql += _in_box(bbox, params)
    cur.execute(sql, params)
    rows = np.array(cur.fetchall(), dtype=np.float64).reshape(-1, 4)
    return FixChanges(vehicle=rows[:, 0].astype(np.int64), t=rows[:, 1], lon=rows[:, 2],
                      lat=rows[:, 3])


def vehicle_infos(cur: Any) -> dict[int, VehicleInfo]:
    """The registry as coverage sees it; an equipment entry it cannot read means 'no sensor'."""
    cur.execute("SELECT id, name, kind, contractor, equipment FROM vehicles ORDER BY id")
    infos = {}
    for vehicle_id, name, kind, contractor, equipment in cur.fetchall():
        try:
            info = VehicleInfo.from_registry(vehicle_id, name, kind, contractor, equipment)
        except ValueError:
            tool = (equipment or {}).get("tool")
            info = VehicleInfo(id=vehicle_id, name=name, kind=kind, contractor=contractor,
                               tool=tool if isinstance(tool, str) else None)
        infos[vehicle_id] = info
    return infos


def save_result(cur: Any, document: dict[str, Any], *, storm_id: int | None = None) -> int:
    """Seal a serialised result (``dispatch.coverage_json.result_document``) as an act: stored
    with the route versions it used and the hash of its canonical JSON; returns its id. The
    table refuses any later UPDATE or DELETE (``0011_route_versions.sql``)."""
    stored = json.loads(json.dumps(document, ensure_ascii=False))  # as jsonb will give it back
    cur.execute("""
        INSERT INTO coverage_results (computed_at, window_from, window_to, storm_id, route_ids,
                                      parameters, summary, result, route_versions, content_hash)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id""",
                (stored["computed_at"], stored["from"], stored["to"], storm_id,
                 [r["route"]["id"] for r in stored["routes"]],
                 json.dumps(stored["parameters"]), json.dumps(stored["totals"]),
                 json.dumps(stored, ensure_ascii=False),
                 json.dumps(act_route_versions(stored)), content_hash(stored)))
    new_id: int = cur.fetchone()[0]
    return new_id


def get_act(cur: Any, act_id: int) -> dict[str, Any] | None:
    """A stored act: its id, storm, hash as sealed, whether the document still matches it
    (None: stored before results were sealed), the route versions and the document itself."""
    cur.execute("SELECT id, storm_id, content_hash, route_versions, result"
                " FROM coverage_results WHERE id = %s", (act_id,))
    row = cur.fetchone()
    if row is None:
        return None
    found_id, storm_id, sealed_hash, versions, document = row
    return {"id": found_id, "storm_id": storm_id, "content_hash": sealed_hash,
            "intact": None if sealed_hash is None else sealed_hash == content_hash(document),
            "route_versions": versions, "document": document}


def latest_result(cur: Any, *, storm_id: int) -> dict[str, Any] | None:
    """The most recently stored result of a storm, as it was stored."""
    cur.execute("SELECT result FROM coverage_results WHERE storm_id = %s"
                " ORDER BY computed_at DESC, id DESC LIMIT 1", (storm_id,))
    row = cur.fetchone()
    return None if row is None else dict(row[0])
