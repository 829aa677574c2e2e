"""The one write path for fixes: COPY a batch into a staging table, then insert idempotently.

A resent fix (same terminal, fix time and coordinates) is stored once, whatever the resend
pattern; the live state row of each vehicle moves forward only to a newer valid fix.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

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

_STAGE = """
CREATE TEMP TABLE IF NOT EXISTS positions_stage (
    terminal_id bigint, vehicle_id bigint, fix_time timestamptz, received_at timestamptz,
    latitude double precision, longitude double precision, valid boolean, speed_kmh real,
    course_deg real, altitude_m real, satellites smallint, hdop real, inputs bigint,
    odometer_m double precision, black_box boolean, pz90 boolean, protocol text, attributes jsonb
) ON COMMIT DELETE ROWS;
TRUNCATE positions_stage;
"""

_MOVE = f"""
INSERT INTO positions ({_COLUMN_LIST})
SELECT {_COLUMN_LIST} FROM positions_stage
ON CONFLICT DO NOTHING
"""

_LIVE = """
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
    longitude = EXCLUDED.longitude, valid = EXCLUDED.valid, speed_kmh = EXCLUDED.speed_kmh,
    course_deg = EXCLUDED.course_deg, inputs = EXCLUDED.inputs, attributes = EXCLUDED.attributes
WHERE s.fix_time <= EXCLUDED.fix_time
"""


def months_of(rows: Iterable[FixRow]) -> set[date]:
    """First days of the months the fixes fall in (the partitions they need)."""
    return {r.position.fix_time.date().replace(day=1) for r in rows}


def ensure_partitions(cur: Cursor, months: Iterable[date]) -> None:
    for month in sorted(months):
        cur.execute("SELECT ensure_positions_partition(%s)", (month,))


def insert_positions(cur: Cursor, rows: Sequence[FixRow]) -> int:
    """Store a batch in the caller's transaction; return how many fixes were new."""
    cur.execute(_STAGE)
    cur.copy_expert(f"COPY positions_stage ({_COLUMN_LIST}) FROM STDIN WITH (FORMAT csv)",
                    _as_csv(rows))
    cur.execute(_MOVE)
    stored: int = cur.rowcount
    cur.execute(_LIVE)
    return stored


def _as_csv(rows: Sequence[FixRow]) -> io.StringIO:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    for row in rows:
        p = row.position
        out.writerow((
            row.terminal_id, _opt(row.vehicle_id), p.fix_time.isoformat(),
            row.received_at.isoformat(), repr(p.latitude), repr(p.longitude), _bool(p.valid),
            p.speed_kmh, p.course_deg, _opt(p.altitude_m), _opt(p.satellites), _opt(p.hdop),
            _opt(p.inputs), _opt(p.odometer_m), _bool(p.black_box), _bool(p.pz90),
            p.device.protocol, json.dumps(dict(p.attributes), ensure_ascii=False),
        ))
    buf.seek(0)
    return buf


def _opt(value: object) -> object:
    return "" if value is None else value


def _bool(value: bool) -> str:
    return "t" if value else "f"
