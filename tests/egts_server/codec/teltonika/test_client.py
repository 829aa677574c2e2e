"""The device side writes the IMEI message and AVL packets in the vendor's envelope."""

from __future__ import annotations

from types import MappingProxyType

from egts_server.codec.teltonika import AvlRecord, Codec, avl_packet, imei_message, write_records
from tests.builders.checksums import crc16_arc


def test_imei_message_is_the_vendors_example() -> None:
    assert imei_message("356307042441013").hex() == "000f333536333037303432343431303133"


def test_avl_packet_wraps_the_records_in_preamble_length_counts_and_crc() -> None:
    records = [AvlRecord(1_560_161_086_000, 1, 2, 3, 4, 5, 6, 7, io=MappingProxyType({1: 1}))] * 2
    data = bytes((Codec.CODEC_8_EXTENDED, 2)) + write_records(Codec.CODEC_8_EXTENDED,
                                                              records) + b"\x02"
    assert avl_packet(Codec.CODEC_8_EXTENDED, records) == (
        bytes(4) + len(data).to_bytes(4, "big") + data + crc16_arc(data).to_bytes(4, "big"))
