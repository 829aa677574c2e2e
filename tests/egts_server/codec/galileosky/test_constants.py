"""The tag sizes agree with what the fix mapping reads, and the length field's two parts."""

from __future__ import annotations

from egts_server.codec.galileosky import constants as c


def test_every_mapped_tag_has_the_size_the_mapping_reads() -> None:
    expected = {c.TAG_IMEI: 15, c.TAG_TIME: 4, c.TAG_COORDINATES: 9, c.TAG_SPEED_COURSE: 4,
                c.TAG_ALTITUDE: 2, c.TAG_HDOP: 1, c.TAG_SUPPLY_MV: 2, c.TAG_BATTERY_MV: 2,
                c.TAG_OUTPUTS: 2, c.TAG_INPUTS: 2, c.TAG_IBUTTON: 4, c.TAG_ODOMETER_M: 4}
    assert {tag: c.TAG_SIZES.get(tag) for tag in expected} == expected
    assert {c.TAG_SIZES.get(tag) for tag in c.ANALOG_TAGS} == {2}
    assert {c.TAG_SIZES.get(tag) for tag in c.FUEL_TAGS} == {2}


def test_length_prefixed_tags_have_no_fixed_size() -> None:
    assert c.LENGTH_PREFIXED.isdisjoint(c.TAG_SIZES)


def test_length_field_splits_into_archive_flag_and_length() -> None:
    assert (c.ARCHIVE_FLAG & c.LENGTH_MASK, c.ARCHIVE_FLAG | c.LENGTH_MASK) == (0, 0xFFFF)
    assert c.HEADERS == {0x01, 0x07} and c.CONFIRM not in c.HEADERS
