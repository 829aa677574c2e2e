"""Fixes stored as the writer stores them, for the tests of what ``db`` reads back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg2

from db import terminals
from db.positions import FixRow, copy_positions, ensure_partitions, insert_positions, months_of
from egts_server.model import DeviceKey, Position

T0 = datetime(2026, 1, 31, 23, 59, 50, tzinfo=UTC)
DEVICE = DeviceKey("egts", "4242")


def fix(seconds: int, lat: float = 50.55, valid: bool = True) -> Position:
    return Position(device=DEVICE, fix_time=T0 + timedelta(seconds=seconds), latitude=lat,
                    longitude=137.012345, valid=valid, speed_kmh=23.4, course_deg=271.0,
                    inputs=1, attributes={"adc1": 12})


def store(dsn: str, positions: list[Position]) -> int:
    """The fixes of terminal ``egts:4242`` (registered with its own vehicle on first use)."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        admission = terminals.admit(cur, "egts", "4242", None, {}, "register", None)
        rows = [FixRow(admission.terminal_id or 0, admission.vehicle_id, T0, p)
                for p in positions]
        ensure_partitions(cur, months_of(rows))
        return insert_positions(cur, rows)


def store_on(cur: Any, terminal_id: int, vehicle_id: int | None, positions: Sequence[Position],
             received_at: datetime = T0) -> int:
    """New fixes through an autocommit cursor, in one COPY as the writer sends them."""
    rows = [FixRow(terminal_id, vehicle_id, received_at, p) for p in positions]
    ensure_partitions(cur, months_of(rows))
    return copy_positions(cur, rows)
