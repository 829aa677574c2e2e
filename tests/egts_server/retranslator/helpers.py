"""Values shared by the retranslator tests: fixes as the queue hands them out, and a delivery
report as the console and the metrics read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

from db.retranslation import QueuedFix, QueueKey, UpstreamDelivery, VehicleDelivery
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


def delivery_report() -> list[UpstreamDelivery]:
    """One upstream, disconnected: a vehicle with a backlog and refusals, one with nothing."""
    waiting = VehicleDelivery(
        vehicle_id=7, vehicle_name="ЛиАЗ-5292 (гар. № 007)", oid=1085, backlog=120,
        oldest_received_at=T0 - timedelta(minutes=90), sent=1000, delivered=950, refused=10,
        last_result=153, last_refused_at=T0, last_fix_time=T0 - timedelta(minutes=91),
        last_delivered_at=T0 - timedelta(minutes=90))
    done = VehicleDelivery(
        vehicle_id=8, vehicle_name="ПАЗ-320414", oid=1086, backlog=0, oldest_received_at=None,
        sent=0, delivered=0, refused=0, last_result=None, last_refused_at=None,
        last_fix_time=None, last_delivered_at=None)
    return [UpstreamDelivery(
        id=1, name="rnis", address="10.0.0.9:4000", enabled=True, state="disconnected",
        state_detail="connection lost; next attempt in 60 s", state_at=T0,
        lease_owner="host:42", lease_until=T0, last_login_at=T0 - timedelta(hours=2),
        vehicles=(waiting, done))]
