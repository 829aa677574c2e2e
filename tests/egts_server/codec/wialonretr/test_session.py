"""A Retranslator connection: every packet names its controller and is answered 0x11 unless its
structure is broken; its named values map onto the fix model."""

from __future__ import annotations

from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from egts_server.codec.errors import TruncatedError
from egts_server.codec.wialonretr import (
    ACK,
    PosInfo,
    RetranslatorPacket,
    Session,
    build_packet,
    packet_position,
)
from egts_server.model import DeviceKey

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
DEVICE = DeviceKey("wialonretr", "77")


def fix(satellites: int = 9, course: int = 90, **values: Any) -> RetranslatorPacket:
    return RetranslatorPacket("77", WHEN, 1, PosInfo(37.5, 55.75, 140.0, 60, course, satellites),
                              MappingProxyType(values))


def test_position_carries_posinfo_and_the_packet_time() -> None:
    p = packet_position(fix(), DEVICE)
    assert p is not None
    assert (p.device, p.fix_time, p.latitude, p.longitude, p.altitude_m) == (
        DEVICE, WHEN, 55.75, 37.5, 140.0)
    assert (p.speed_kmh, p.course_deg, p.satellites, p.valid, p.inputs) == (
        60.0, 90.0, 9, True, None)
    assert dict(p.attributes) == {}


def test_fewer_than_three_satellites_is_not_valid_and_course_wraps() -> None:
    two, three = packet_position(fix(2, 370), DEVICE), packet_position(fix(3), DEVICE)
    assert two is not None and three is not None
    assert (two.valid, three.valid, two.course_deg) == (False, True, 10.0)


def test_named_values_map_onto_inputs_outputs_driver_and_params() -> None:
    p = packet_position(fix(avl_inputs=(1 << 63) | 0b101, avl_outputs=6, avl_driver=b"\x0a\x0b",
                            temp=21.5, can=b"\xff"), DEVICE)
    assert p is not None and p.inputs == 0b101  # inputs above 63 do not fit the mask
    assert dict(p.attributes) == {"outputs": 6, "ibutton": "0a0b", "param_temp": 21.5,
                                  "param_can": "ff"}
    text_driver = packet_position(fix(avl_driver="DRV1"), DEVICE)
    assert text_driver is not None and dict(text_driver.attributes) == {"ibutton": "DRV1"}


def test_dropped_blocks_are_kept_raw_with_the_fix() -> None:
    packet = RetranslatorPacket("77", WHEN, 1, fix().position,
                                dropped=MappingProxyType({"fuel": b"\x00\x05"}))
    p = packet_position(packet, DEVICE)
    assert p is not None and dict(p.attributes) == {"dropped_fuel_raw": "0005"}


def test_a_packet_without_posinfo_has_no_fix_and_is_answered() -> None:
    packet = RetranslatorPacket("77", WHEN, 0, values=MappingProxyType({"temp": 1}))
    assert packet_position(packet, DEVICE) is None
    handled = Session().handle(build_packet(packet))
    assert (handled.positions, handled.ack, handled.error) == ((), ACK, None)


def test_the_device_is_the_latest_controller_and_a_broken_packet_is_not_answered() -> None:
    session = Session()
    handled = session.handle(build_packet(fix()))
    assert handled.ack == ACK and [p.device for p in handled.positions] == [DEVICE]
    long_id = RetranslatorPacket("9" * 70, WHEN, 0)
    assert session.handle(build_packet(long_id)).ack == ACK
    assert session.device == DeviceKey("wialonretr", "9" * 64)
    broken = session.handle(b"\x02\x00\x00\x0077")
    assert (broken.ack, type(broken.error)) == (None, TruncatedError)
    assert session.device == DeviceKey("wialonretr", "9" * 64)
