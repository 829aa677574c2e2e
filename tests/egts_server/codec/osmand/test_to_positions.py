"""Report -> Position: no fix without coordinates, the server's time standing in, the course
folded into 0..360, and the phone's extras as attributes."""

from __future__ import annotations

from datetime import UTC, datetime
from types import MappingProxyType

import pytest

from egts_server.codec.osmand import Report, report_position
from egts_server.model import DeviceKey

RECEIVED = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
SENT = datetime(2026, 2, 3, 4, 5, 0, tzinfo=UTC)


def test_every_field_of_a_full_report_lands_in_the_fix() -> None:
    report = Report(device_id="p1", latitude=43.1, longitude=131.9, fix_time=SENT,
                    speed_kmh=36.0, course_deg=90.0, altitude_m=12.0, accuracy_m=4.0, hdop=1.5,
                    battery_percent=50.0, valid=False,
                    params=MappingProxyType({"event": "motionchange", "sats": 7}))
    position = report_position(report, RECEIVED)
    assert position is not None
    assert position.device == DeviceKey("osmand", "p1")
    assert (position.fix_time, position.latitude, position.longitude, position.valid) == (
        SENT, 43.1, 131.9, False)
    assert (position.speed_kmh, position.course_deg, position.altitude_m, position.hdop) == (
        36.0, 90.0, 12.0, 1.5)
    assert dict(position.attributes) == {"param_event": "motionchange", "param_sats": 7,
                                         "battery_percent": 50.0, "accuracy_m": 4.0}
    assert position.inputs is None


def test_a_report_without_timestamp_speed_or_course_takes_defaults() -> None:
    position = report_position(Report(device_id="p1", latitude=1.0, longitude=2.0), RECEIVED)
    assert position is not None
    assert (position.fix_time, position.speed_kmh, position.course_deg) == (RECEIVED, 0.0, 0.0)
    assert (position.altitude_m, position.hdop, dict(position.attributes)) == (None, None, {})


@pytest.mark.parametrize(("course", "folded"), [(-90.0, 270.0), (360.0, 0.0), (450.5, 90.5)])
def test_the_course_is_folded_into_a_compass_bearing(course: float, folded: float) -> None:
    report = Report(device_id="p1", latitude=1.0, longitude=2.0, course_deg=course)
    position = report_position(report, RECEIVED)
    assert position is not None and position.course_deg == folded


@pytest.mark.parametrize(("latitude", "longitude"), [(None, None), (1.0, None), (None, 2.0)])
def test_without_both_coordinates_there_is_no_fix(latitude: float | None,
                                                  longitude: float | None) -> None:
    report = Report(device_id="p1", latitude=latitude, longitude=longitude, battery_percent=9.0)
    assert report_position(report, RECEIVED) is None
