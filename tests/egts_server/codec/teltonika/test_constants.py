"""Codec ids and AVL numbering agree with the vendor's description and with the readers."""

from __future__ import annotations

from egts_server.codec.teltonika import Codec
from egts_server.codec.teltonika import constants as c
from egts_server.codec.teltonika.records import LAYOUTS


def test_codec_ids_are_the_vendors() -> None:
    assert [int(codec) for codec in Codec] == [0x08, 0x8E, 0x10]
    assert (c.CODEC_12, int(c.MessageType.COMMAND), int(c.MessageType.RESPONSE)) == (
        0x0C, 0x05, 0x06)


def test_every_data_codec_has_a_record_layout_and_codec_12_none() -> None:
    assert set(LAYOUTS) == set(Codec) and c.CODEC_12 not in LAYOUTS


def test_no_avl_id_is_mapped_twice() -> None:
    ids = [*c.DIGITAL_INPUTS, *c.DIGITAL_OUTPUTS, *c.ANALOG_INPUTS, c.IO_EXTERNAL_VOLTAGE_MV,
           c.IO_BATTERY_VOLTAGE_MV, c.IO_TOTAL_ODOMETER_M, c.IO_HDOP_X10, c.IO_IBUTTON]
    assert len(ids) == len(set(ids))
    assert sorted(c.DIGITAL_OUTPUTS.values()) == [1, 2, 3, 4]
    assert sorted(c.ANALOG_INPUTS.values()) == [1, 2, 3, 4]
