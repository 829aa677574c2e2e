"""Malformed optional subrecords cost only themselves; structural damage is still refused."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

from egts_server.codec.egts import Session
from egts_server.codec.egts.subrecords import ExtPosData, MalformedSubrecord, iter_subrecords
from egts_server.codec.errors import TruncatedError
from egts_server.codec.reader import ByteReader
from tests.builders import egts as build

NOW = datetime(2024, 1, 15, 7, 0, tzinfo=UTC)
# EXT_POS_DATA flags HDOP and SAT, but NS follows without its NSFE flag: two bytes over
EXT_POS_WITH_NS_UNFLAGGED = build.ext_pos_data(hdop=120, sat=9) + struct.pack("<H", 3)


def test_ext_pos_data_with_bytes_over_costs_only_itself() -> None:
    record = build.pos_record(rn=5, extra=[build.subrecord(17, EXT_POS_WITH_NS_UNFLAGGED),
                                           build.subrecord(18, build.ad_sensors(ans={1: 7}))])
    handled = Session(now=lambda: NOW).handle(build.packet(pid=4, records=[record]))
    assert handled.ack == build.record_ack(rpid=4, confirmed=[(5, 0)])
    assert handled.error is None and handled.dropped == ("ext_pos_data",)
    (fix,) = handled.positions
    assert (fix.satellites, fix.hdop) == (None, None)  # the element is gone ...
    assert fix.attributes["dropped_ext_pos_data_raw"] == EXT_POS_WITH_NS_UNFLAGGED.hex()
    assert fix.attributes["adc1"] == 7  # ... the sensors after it are not


def test_every_optional_table_is_tolerated_alone() -> None:
    """A one-byte SRD of each sensor table: record confirmed, fix stored, element dropped."""
    for srt in range(17, 29):
        record = build.pos_record(rn=1, extra=[build.subrecord(srt, b"\x01")])
        handled = Session(now=lambda: NOW).handle(build.packet(pid=1, records=[record]))
        assert handled.ack == build.record_ack(rpid=1, confirmed=[(1, 0)]), srt
        assert len(handled.positions) == 1 and len(handled.dropped) == 1, srt


def test_typed_decoding_keeps_the_malformed_subrecord_raw() -> None:
    rd = build.subrecord(17, EXT_POS_WITH_NS_UNFLAGGED) + build.subrecord(
        17, build.ext_pos_data(sat=4))
    bad, good = iter_subrecords(2, ByteReader(rd))
    assert isinstance(bad, MalformedSubrecord) and bad.data == EXT_POS_WITH_NS_UNFLAGGED
    assert "left 2" in bad.reason
    assert good == ExtPosData(satellites=4)


def test_structural_damage_is_still_refused() -> None:
    """A short POS_DATA, or an SRL past the record, still gets RST 132 for the record."""
    short_pos = build.record(rn=1, oid=1, subrecords=[build.subrecord(16, b"\x01")])
    lying_srl = build.record(rn=2, oid=1, subrecords=[
        build.subrecord(17, build.ext_pos_data(sat=4), srl=40)])
    handled = Session(now=lambda: NOW).handle(build.packet(pid=3, records=[short_pos,
                                                                            lying_srl]))
    assert handled.ack == build.record_ack(rpid=3, confirmed=[(1, 132), (2, 132)])
    assert handled.positions == () and isinstance(handled.error, TruncatedError)
