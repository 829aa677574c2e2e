"""Values shared by the retranslator tests: fixes as the queue hands them out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

from db.retranslation import QueuedFix, QueueKey
from egts_server.model import DeviceKey, Position
from egts_server.retranslator.plan import Outgoing

T0 = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)


def position(i: int = 0, **overrides: Any) -> Position:
    """The i-th fix of a drive north-east; keyword arguments replace fields."""
    values: dict[str, Any] = {
        "device": DeviceKey("egts", "4242"), "fix_time": T0 + timedelta(seconds=5 * i),
        "latitude": 50.55 + i * 1e-4, "longitude": 137.0 + i * 1e-4, "valid": True,
        "speed_kmh": 36.0, "course_deg": 270.0, "altitude_m": 40.0, "satellites": 11,
        "hdop": 0.9, "inputs": 1, "odometer_m": 152_300.0,
        "attributes": MappingProxyType({"event_source": 0, "moving": True, "fix_3d": True})}
    values.update(overrides)
    return Position(**values)


def queued(vehicle_id: int, i: int = 0, **overrides: Any) -> QueuedFix:
    p = position(i, **overrides)
    key = QueueKey(vehicle_id, p.fix_time, vehicle_id * 10, p.latitude, p.longitude)
    return QueuedFix(key, p.fix_time, str(4000 + vehicle_id), p)


def outgoing(vehicle_id: int, i: int = 0, oid: int | None = None, **overrides: Any) -> Outgoing:
    fix = queued(vehicle_id, i, **overrides)
    return Outgoing(fix, oid if oid is not None else 4000 + vehicle_id)
