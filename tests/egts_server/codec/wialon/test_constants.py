"""The answer codes agree with the fields that produce them and with the message layout."""

from __future__ import annotations

from egts_server.codec.wialon import DataAnswer, Field, Message, ShortAnswer, format_message
from egts_server.codec.wialon.constants import DATA_FIELDS, SHORT_FIELDS


def test_every_error_code_of_a_mandatory_field_is_some_fields() -> None:
    """Optional elements are dropped, never answered, so their #AD# codes stay unused."""
    assert {f.short_answer for f in Field} == set(ShortAnswer) - {
        ShortAnswer.OK, ShortAnswer.BAD_CHECKSUM}
    assert {f.data_answer for f in Field} == set(DataAnswer) - {
        DataAnswer.OK, DataAnswer.BAD_CHECKSUM, DataAnswer.INPUTS_OUTPUTS, DataAnswer.ADC,
        DataAnswer.PARAMS}


def test_the_codes_are_the_descriptions() -> None:
    assert (Field.TIME.short_answer, Field.SATELLITES.data_answer) == ("0", "12")
    assert (ShortAnswer.BAD_CHECKSUM, DataAnswer.BAD_CHECKSUM, DataAnswer.PARAMS) == (
        "13", "16", "15")


def test_field_counts_are_those_of_a_short_and_an_extended_message() -> None:
    short = Message(None, None, None)
    assert len(format_message(short).split(";")) == SHORT_FIELDS
    extended = Message(None, None, None, extended=True)
    assert len(format_message(extended).split(";")) == DATA_FIELDS
