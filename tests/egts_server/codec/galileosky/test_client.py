"""The device side writes packets byte for byte as real devices send them."""

from __future__ import annotations

from typing import Any

import pytest

from egts_server.codec.galileosky import build_packet, read_tags
from tests.egts_server.codec.corpus import load_corpus

WELL_FORMED = [e for e in load_corpus("galileosky") if e.get("error") is None
               and "framing_error" not in e]


@pytest.mark.parametrize("entry", WELL_FORMED, ids=[e["name"] for e in WELL_FORMED])
def test_a_real_packet_is_rewritten_from_its_records_byte_for_byte(entry: dict[str, Any]
                                                                   ) -> None:
    """Header, length with the archive bit, the tags and the CRC-16/MODBUS, all as sent."""
    data = bytes.fromhex(entry["hex"])
    records = list(read_tags(data[3:-2]).records)
    assert build_packet(records, archive=bool(data[2] & 0x80)) == data


def test_archive_flag_is_bit_15_of_the_length() -> None:
    plain, archive = build_packet([{0x01: b"\x82"}]), build_packet([{0x01: b"\x82"}], archive=True)
    assert (plain[:3].hex(), archive[:3].hex()) == ("010200", "010280")
