"""The device side writes the handshake, the FLEX offer and data frames as described."""

from __future__ import annotations

import struct

from egts_server.codec.navtelecom import archive, current, handshake, negotiation, ntcb
from tests.builders.checksums import crc8

TIME = {3: struct.pack("<I", 1_700_000_000)}
NAV = {3: struct.pack("<I", 1_700_000_000), 8: b"\x26"}


def test_handshake_and_offer_are_ntcb_frames_from_the_device() -> None:
    assert handshake("866795031410689", device=7) == ntcb(0, 7, b"*>S:866795031410689")
    assert negotiation([1, 3, 10], version=0x1E) == ntcb(
        0, 1, b"*>FLEX" + bytes((0xB0, 0x1E, 0x1E, 10)) + b"\xa0\x40")


def test_archive_holds_the_count_the_records_in_field_order_and_a_crc8() -> None:
    body = b"~A\x02" + (NAV[3] + NAV[8]) * 2
    assert archive([{8: NAV[8], 3: NAV[3]}, NAV]) == body + bytes((crc8(body),))


def test_current_holds_the_event_index_and_one_record() -> None:
    body = b"~T" + (7).to_bytes(4, "little") + TIME[3]
    assert current(7, TIME) == body + bytes((crc8(body),))
