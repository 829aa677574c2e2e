"""Tags cut into records: a repeated tag starts the next record; a tag of unknown size, or a
value cut short, stops the reading and keeps the rest raw."""

from __future__ import annotations

from egts_server.codec.galileosky import Tags, read_tags, write_tags


def test_a_repeated_tag_starts_the_next_record() -> None:
    data = bytes.fromhex("0101" "460300" "0102" "460400" "0103")
    assert read_tags(data) == Tags(({0x01: b"\x01", 0x46: b"\x03\x00"},
                                    {0x01: b"\x02", 0x46: b"\x04\x00"}, {0x01: b"\x03"}))


def test_records_written_read_back() -> None:
    records = [{0x03: b"868204001269934", 0x20: b"\x01\x02\x03\x04"}, {0x20: b"\x05\x06\x07\x08"}]
    assert write_tags(records) == (b"\x03868204001269934" b"\x20\x01\x02\x03\x04"
                                   b"\x20\x05\x06\x07\x08")
    assert read_tags(write_tags(records)).records == tuple(records)


def test_a_tag_of_unknown_size_keeps_the_rest_raw() -> None:
    data = bytes.fromhex("0101" "fa0102" "0102")
    assert read_tags(data) == Tags(({0x01: b"\x01"},), bytes.fromhex("fa01020102"), 0xFA)


def test_a_value_cut_short_keeps_the_rest_raw() -> None:
    assert read_tags(bytes.fromhex("0101" "2001")) == Tags(({0x01: b"\x01"},), b"\x20\x01", 0x20)


def test_a_length_prefixed_tag_carries_its_length_byte() -> None:
    data = bytes.fromhex("e1" "03" "4f4b21" "0101")
    assert read_tags(data).records == ({0xE1: bytes.fromhex("034f4b21"), 0x01: b"\x01"},)
    assert read_tags(b"\xe1") == Tags((), b"\xe1", 0xE1)
