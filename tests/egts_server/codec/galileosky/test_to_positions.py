"""One Galileosky record onto the fix model: units, validity, and which tag becomes which
attribute."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

from egts_server.codec.galileosky import record_position
from egts_server.model import DeviceKey

DEVICE = DeviceKey("galileosky", "868204001269934")
TIME = {0x20: struct.pack("<I", 1_700_000_000)}


def place(lat: int, lon: int, first: int = 0x09) -> dict[int, bytes]:
    return {0x30: bytes((first,)) + struct.pack("<ii", lat, lon)}


def test_time_place_and_motion_in_domain_units() -> None:
    record = {**TIME, **place(55_751_244, -37_618_423),
              0x33: struct.pack("<HH", 605, 3605), 0x34: struct.pack("<h", -12), 0x35: b"\x0d",
              0x46: b"\x05\x00", 0xD4: struct.pack("<I", 123456)}
    p = record_position(record, DEVICE)
    assert p is not None
    assert (p.device, p.fix_time, p.latitude, p.longitude) == (
        DEVICE, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC), 55.751244, -37.618423)
    assert (p.speed_kmh, p.course_deg, p.altitude_m, p.hdop) == (60.5, 0.5, -12.0, 1.3)
    assert (p.satellites, p.valid, p.inputs, p.odometer_m) == (9, True, 5, 123456.0)
    assert dict(p.attributes) == {}


def test_a_correctness_code_in_the_high_nibble_is_not_valid() -> None:
    p = record_position({**TIME, **place(1, 2, first=0x25)}, DEVICE)
    assert p is not None and (p.valid, p.satellites) == (False, 5)


def test_missing_motion_reads_as_standing_still() -> None:
    p = record_position({**TIME, **place(1, 2)}, DEVICE)
    assert p is not None
    assert (p.speed_kmh, p.course_deg, p.altitude_m, p.hdop, p.inputs, p.odometer_m) == (
        0.0, 0.0, None, None, None, None)


def test_tags_become_attributes() -> None:
    record = {**TIME, **place(1, 2), 0x45: b"\x03\x00", 0x50: b"\x10\x27", 0x57: b"\x01\x00",
              0x60: b"\x2c\x01", 0x41: struct.pack("<H", 12500), 0x42: struct.pack("<H", 4100),
              0x90: struct.pack("<I", 987654), 0x01: b"\x82", 0x5B: bytes(range(7))}
    p = record_position(record, DEVICE)
    assert p is not None and dict(p.attributes) == {
        "outputs": 3, "adc1": 10000, "adc8": 1, "lls1_level": 300, "lls1_unit": "raw",
        "voltage_main_v": 12.5, "voltage_internal_v": 4.1, "ibutton": "987654", "tag01": 0x82,
        "tag5b": "00010203040506"}


def test_an_ibutton_of_zero_is_no_key() -> None:
    p = record_position({**TIME, **place(1, 2), 0x90: bytes(4)}, DEVICE)
    assert p is not None and "ibutton" not in p.attributes


def test_no_fix_without_time_or_place_or_off_the_globe() -> None:
    assert record_position(place(1, 2), DEVICE) is None
    assert record_position(TIME, DEVICE) is None
    assert record_position({**TIME, **place(90_000_001, 0)}, DEVICE) is None
    assert record_position({**TIME, **place(0, -180_000_001)}, DEVICE) is None
    assert record_position({**TIME, **place(90_000_000, 180_000_000)}, DEVICE) is not None
