"""A Wialon IPS message onto the fix model: which element becomes which attribute, the server's
time for ``NA``, validity by satellite count."""

from __future__ import annotations

from datetime import UTC, datetime
from types import MappingProxyType

from egts_server.codec.wialon import Message, message_position
from egts_server.model import DeviceKey

DEVICE = DeviceKey("wialon", "77")
SENT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
NOW = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)


def test_short_message_maps_onto_the_typed_fields() -> None:
    p = message_position(Message(SENT, 55.5, -37.25, 12.0, 90.0, 40.0, 9), DEVICE, NOW)
    assert p is not None
    assert (p.device, p.fix_time, p.latitude, p.longitude, p.speed_kmh, p.course_deg) == (
        DEVICE, SENT, 55.5, -37.25, 12.0, 90.0)
    assert (p.altitude_m, p.satellites, p.valid, p.black_box, p.inputs) == (
        40.0, 9, True, False, None)
    assert dict(p.attributes) == {}


def test_na_values_take_the_server_time_and_standing_still() -> None:
    p = message_position(Message(None, 1.0, 2.0), DEVICE, NOW, black_box=True)
    assert p is not None
    assert (p.fix_time, p.speed_kmh, p.course_deg, p.satellites, p.valid, p.black_box) == (
        NOW, 0.0, 0.0, None, True, True)


def test_fewer_than_three_satellites_is_not_valid() -> None:
    two = message_position(Message(SENT, 1.0, 2.0, satellites=2), DEVICE, NOW)
    three = message_position(Message(SENT, 1.0, 2.0, satellites=3), DEVICE, NOW)
    assert two is not None and three is not None and (two.valid, three.valid) == (False, True)


def test_no_fix_without_coordinates() -> None:
    assert message_position(Message(SENT, None, None, 12.0), DEVICE, NOW) is None


def test_extended_elements_become_attributes() -> None:
    m = Message(SENT, 1.0, 2.0, extended=True, hdop=1.5, inputs=(1 << 63) | (1 << 65) | 0b11,
                outputs=4, adc=(0.5, None, 3.0), ibutton="AB12",
                params=MappingProxyType({"fuel": 120}),
                dropped=MappingProxyType({"hdop": "101"}))
    p = message_position(m, DEVICE, NOW)
    assert p is not None and (p.hdop, p.inputs) == (1.5, 0b11)
    assert dict(p.attributes) == {"din64": 1, "din66": 1, "outputs": 4, "adc1": 0.5,
                                  "adc3": 3.0, "ibutton": "AB12", "param_fuel": 120,
                                  "dropped_hdop_raw": "101"}
