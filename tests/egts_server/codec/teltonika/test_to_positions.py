"""An AVL record onto the fix model: units, validity, the mapped IO ids, and impossible
records refused."""

from __future__ import annotations

from datetime import UTC, datetime
from types import MappingProxyType

import pytest

from egts_server.codec.teltonika import AvlRecord, CoordinateError, record_position
from egts_server.codec.teltonika.records import IoValue
from egts_server.model import DeviceKey

DEVICE = DeviceKey("teltonika", "356307042441013")


def record(io: dict[int, IoValue] | None = None, *, satellites: int = 9, angle: int = 90,
           lat: int = 555_123_456, lon: int = -376_543_210, ms: int = 1_560_161_086_123
           ) -> AvlRecord:
    return AvlRecord(ms, 1, lon, lat, -12, angle, satellites, 35, io=MappingProxyType(io or {}))


def test_gps_element_in_domain_units() -> None:
    p = record_position(record(), DEVICE)
    assert (p.device, p.fix_time, p.latitude, p.longitude) == (
        DEVICE, datetime(2019, 6, 10, 10, 4, 46, 123000, tzinfo=UTC), 55.5123456, -37.654321)
    assert (p.altitude_m, p.course_deg, p.satellites, p.speed_kmh, p.valid) == (
        -12.0, 90.0, 9, 35.0, True)
    assert (p.inputs, p.hdop, p.odometer_m, dict(p.attributes)) == (None, None, None, {})


def test_no_satellites_is_not_valid_and_the_angle_wraps() -> None:
    p = record_position(record(satellites=0, angle=370), DEVICE)
    assert (p.valid, p.course_deg) == (False, 10.0)


def test_mapped_io_ids_and_every_element_raw() -> None:
    io: dict[int, IoValue] = {1: 1, 2: 0, 3: 1, 179: 0, 51: 1, 10: 4200, 66: 12800, 67: 4100,
                              16: 123456, 182: 13, 78: 0x1234, 300: b"\x0a\x0b"}
    p = record_position(record(io), DEVICE)
    assert (p.inputs, p.hdop, p.odometer_m) == (0b101, 1.3, 123456.0)
    assert dict(p.attributes) == {
        "io1": 1, "io2": 0, "io3": 1, "io179": 0, "io51": 1, "io10": 4200, "io66": 12800,
        "io67": 4100, "io16": 123456, "io182": 13, "io78": 0x1234, "io300": "0a0b",
        "outputs": 0b1000, "adc2": 4200, "voltage_main_v": 12.8, "voltage_internal_v": 4.1,
        "ibutton": "0000000000001234"}


def test_inputs_and_outputs_reported_off_are_zero_not_absent() -> None:
    p = record_position(record({1: 0, 180: 0, 78: 0}), DEVICE)
    assert (p.inputs, p.attributes.get("outputs"), "ibutton" in p.attributes) == (0, 0, False)


@pytest.mark.parametrize("bad", [
    {"lat": 900_000_001}, {"lat": -900_000_001}, {"lon": 1_800_000_001},
    {"ms": 4_102_444_800_001}])
def test_a_place_or_time_that_cannot_be_is_refused(bad: dict[str, int]) -> None:
    with pytest.raises(CoordinateError):
        record_position(record(**bad), DEVICE)


def test_the_limits_themselves_are_taken() -> None:
    p = record_position(record(lat=-900_000_000, lon=1_800_000_000, ms=4_102_444_800_000),
                        DEVICE)
    assert (p.latitude, p.longitude, p.fix_time) == (-90.0, 180.0,
                                                     datetime(2100, 1, 1, tzinfo=UTC))
