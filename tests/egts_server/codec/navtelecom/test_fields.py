"""FLEX fields: the field set's bit order, record sizes and cutting, and a record onto the fix
model in domain units."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

import pytest

from egts_server.codec.errors import FormatError
from egts_server.codec.navtelecom import FIELD_SIZES, record_position
from egts_server.codec.navtelecom.fields import field_set, read_record, record_size
from egts_server.model import DeviceKey

DEVICE = DeviceKey("navtelecom", "866795031410689")
FIX = {9: struct.pack("<I", 1_700_000_000), 10: struct.pack("<i", 33_300_000),
       11: struct.pack("<i", -22_350_000)}


def test_every_field_a_flex_offer_can_enable_has_a_size() -> None:
    """The field count is a u8: fields 1-255."""
    assert set(FIELD_SIZES) == set(range(1, 256))
    with pytest.raises(FormatError):
        field_set(b"\xff" * 32, 256)


def test_field_set_is_read_most_significant_bit_first() -> None:
    assert field_set(b"\x81\x40", 10) == (1, 8, 10)
    assert field_set(b"\x81\x7f", 10) == (1, 8, 10)  # bits past the count are not fields


def test_a_record_is_its_fields_in_order_at_their_sizes() -> None:
    fields = (3, 8, 14)
    assert record_size(fields) == 4 + 1 + 2
    assert read_record(bytes(range(7)), fields) == {3: b"\x00\x01\x02\x03", 8: b"\x04",
                                                     14: b"\x05\x06"}


def test_record_in_domain_units() -> None:
    values = {**FIX, 8: bytes((9 << 2 | 2,)), 12: struct.pack("<i", -125),
              13: struct.pack("<f", 36.5), 14: struct.pack("<H", 370),
              15: struct.pack("<f", 12.5), 29: b"\x05"}
    p = record_position(values, DEVICE)
    assert p is not None
    assert (p.device, p.fix_time, p.latitude, p.longitude) == (
        DEVICE, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC), 55.5, -37.25)
    assert (p.valid, p.satellites, p.altitude_m, p.speed_kmh, p.course_deg) == (
        True, 9, -12.5, 36.5, 10.0)
    assert (p.odometer_m, p.inputs, dict(p.attributes)) == (12500.0, 5, {})


def test_without_navigation_state_the_fix_is_valid_and_standing_still() -> None:
    p = record_position(FIX, DEVICE)
    assert p is not None
    assert (p.valid, p.satellites, p.speed_kmh, p.course_deg, p.altitude_m, p.odometer_m,
            p.inputs) == (True, None, 0.0, 0.0, None, None, None)
    invalid = record_position({**FIX, 8: bytes((9 << 2,))}, DEVICE)
    assert invalid is not None and (invalid.valid, invalid.satellites) == (False, 9)


def test_unusable_speed_and_odometer_are_left_out() -> None:
    values = {**FIX, 13: struct.pack("<f", float("nan")), 15: struct.pack("<f", -1.0)}
    p = record_position(values, DEVICE)
    assert p is not None and (p.speed_kmh, p.odometer_m) == (0.0, None)


def test_other_fields_become_attributes() -> None:
    values = {**FIX, 19: struct.pack("<h", 12500), 20: struct.pack("<h", 4100),
              21: struct.pack("<H", 300), 26: struct.pack("<H", 7), 31: b"\x06",
              33: struct.pack("<I", 11), 34: struct.pack("<I", 12), 2: b"\xab\xcd"}
    p = record_position(values, DEVICE)
    assert p is not None and dict(p.attributes) == {
        "voltage_main_v": 12.5, "voltage_internal_v": 4.1, "adc1": 300, "adc6": 7,
        "outputs": 6, "counter1": 11, "counter2": 12, "flex2": "abcd"}


def test_device_time_stands_in_for_a_missing_fix_time() -> None:
    values = {3: struct.pack("<I", 1_600_000_000), 10: FIX[10], 11: FIX[11]}
    p = record_position(values, DEVICE)
    assert p is not None and p.fix_time == datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)


def test_no_fix_without_time_or_coordinates_or_off_the_globe() -> None:
    assert record_position({9: FIX[9], 10: FIX[10]}, DEVICE) is None
    assert record_position({10: FIX[10], 11: FIX[11]}, DEVICE) is None
    assert record_position({**FIX, 10: struct.pack("<i", 54_000_001)}, DEVICE) is None
    assert record_position({**FIX, 11: struct.pack("<i", -108_000_001)}, DEVICE) is None
