"""OsmAnd reports -> ``model.Position``. Phones have no digital inputs: ``inputs`` stays empty;
battery, accuracy and named parameters go to attributes. A report without coordinates (cell or
Wi-Fi only) yields no fix."""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from typing import Final

from egts_server.codec.osmand.report import Report
from egts_server.model import (
    KEY_ACCURACY_M,
    KEY_BATTERY_PERCENT,
    KEY_PARAM,
    AttributeValue,
    DeviceKey,
    Position,
)

PROTOCOL: Final = "osmand"


def report_position(report: Report, received_at: datetime) -> Position | None:
    """The fix ``report`` gives (None without coordinates); ``received_at`` stands in for a
    missing timestamp."""
    if report.latitude is None or report.longitude is None:
        return None
    attributes: dict[str, AttributeValue] = {
        KEY_PARAM.format(name=name): value for name, value in report.params.items()}
    if report.battery_percent is not None:
        attributes[KEY_BATTERY_PERCENT] = report.battery_percent
    if report.accuracy_m is not None:
        attributes[KEY_ACCURACY_M] = report.accuracy_m
    return Position(device=DeviceKey(PROTOCOL, report.device_id),
                    fix_time=report.fix_time or received_at, latitude=report.latitude,
                    longitude=report.longitude, valid=report.valid,
                    speed_kmh=report.speed_kmh or 0.0, course_deg=(report.course_deg or 0.0) % 360,
                    altitude_m=report.altitude_m, hdop=report.hdop,
                    attributes=MappingProxyType(attributes))
