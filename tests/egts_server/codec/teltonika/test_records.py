"""AVL records of the three codecs read as the vendor lays them out, and written back."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from egts_server.codec.errors import FormatError, TruncatedError
from egts_server.codec.reader import ByteReader
from egts_server.codec.teltonika import AvlRecord, Codec, read_records, write_records

#: The vendor's Codec 8 example packet, data part from its first record on.
WIKI_RECORD = bytes.fromhex("0000016b40d8ea30010000000000000000000000000000000105021503010101"
                            "425e0f01f10000601a014e0000000000000000")
GPS = bytes.fromhex("0000016b40d8ea30" "01" "00000000" "00000000" "0000" "0000" "00" "0000")


def test_the_vendors_codec_8_example_reads_as_documented() -> None:
    reader = ByteReader(WIKI_RECORD)
    assert read_records(Codec.CODEC_8, reader, 1) == [AvlRecord(
        1_560_161_086_000, 1, 0, 0, 0, 0, 0, 0, event_id=1,
        io=MappingProxyType({21: 3, 1: 1, 66: 24079, 241: 24602, 78: 0}))]
    assert reader.remaining == 0


def test_each_value_goes_to_the_narrowest_group() -> None:
    record = AvlRecord(0, 0, 0, 0, 0, 0, 0, 0, io=MappingProxyType({1: 255, 2: 256, 3: 2**16,
                                                                    4: 2**32}))
    assert write_records(Codec.CODEC_8, [record]) == bytes(24) + bytes.fromhex(
        "00" "04" "01" "01ff" "01" "020100" "01" "0300010000" "01" "040000000100000000")


def test_codec_16_has_a_generation_byte_and_two_byte_ids() -> None:
    data = GPS + bytes.fromhex("0102" "03" "01" "01" "0102" "07" "00" "00" "00")
    (record,) = read_records(Codec.CODEC_16, ByteReader(data), 1)
    assert (record.event_id, record.generation, dict(record.io)) == (0x0102, 3, {0x0102: 7})
    assert write_records(Codec.CODEC_16, [record]) == data


def test_codec_8_extended_carries_variable_length_elements() -> None:
    data = GPS + bytes.fromhex("0000" "0002" "0001" "0010" "05" "0000" "0000" "0000"
                               "0001" "0100" "0003" "414243")
    (record,) = read_records(Codec.CODEC_8_EXTENDED, ByteReader(data), 1)
    assert dict(record.io) == {0x10: 5, 0x100: b"ABC"}
    assert write_records(Codec.CODEC_8_EXTENDED, [record]) == data


def test_an_io_total_that_lies_is_refused() -> None:
    data = GPS + bytes.fromhex("00" "02" "01" "0105" "00" "00" "00")
    with pytest.raises(FormatError):
        read_records(Codec.CODEC_8, ByteReader(data), 1)


def test_a_record_cut_short_is_truncated() -> None:
    with pytest.raises(TruncatedError):
        read_records(Codec.CODEC_8, ByteReader(WIKI_RECORD[:-1]), 1)
