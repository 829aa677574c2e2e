"""One data message read from its text and written back: coordinates in degrees and minutes,
``NA`` as no value, a mandatory field that cannot be read naming its field, a malformed optional
element left out with its text kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from egts_server.codec.wialon import Field, FieldError, Message, format_message, parse_message

SHORT = "020126;030405.25;5530.1234;S;03715.6000;W;12.5;90;-40;9"


def test_short_message_reads_in_degrees_and_utc() -> None:
    m = parse_message(SHORT)
    assert m.fix_time == datetime(2026, 1, 2, 3, 4, 5, 250000, tzinfo=UTC)
    assert (m.latitude, m.longitude) == (pytest.approx(-(55 + 30.1234 / 60)), -37.26)
    assert (m.speed_kmh, m.course_deg, m.altitude_m, m.satellites, m.extended) == (
        12.5, 90.0, -40.0, 9, False)


def test_na_and_empty_fields_have_no_value() -> None:
    m = parse_message("NA;NA;NA;NA;NA;NA;;NA;NA;NA")
    assert m == Message(None, None, None)


def test_extended_message_reads_its_optional_elements() -> None:
    m = parse_message(SHORT + ";1.5;5;2;0.5,NA,3;AB12;fuel:1:120,temp:2:-3.5,name:3:bus 7")
    assert (m.extended, m.hdop, m.inputs, m.outputs, m.adc, m.ibutton) == (
        True, 1.5, 5, 2, (0.5, None, 3.0), "AB12")
    assert dict(m.params) == {"fuel": 120, "temp": -3.5, "name": "bus 7"}
    assert dict(m.dropped) == {}


def test_a_malformed_optional_element_is_dropped_alone_with_its_text() -> None:
    m = parse_message(SHORT + ";101;x;-1;1,nan;NA;fuel:1:12,bad:9:1,:1:2,temp:2:inf")
    assert (m.hdop, m.inputs, m.outputs, m.adc, m.ibutton, dict(m.params)) == (
        None, None, None, (), None, {"fuel": 12})
    assert dict(m.dropped) == {"hdop": "101", "inputs": "x", "outputs": "-1", "adc": "1,nan",
                               "params": "bad:9:1,:1:2,temp:2:inf"}


@pytest.mark.parametrize(("text", "field"), [
    ("1;2;3", Field.STRUCTURE),
    (SHORT.replace("020126", "320126"), Field.TIME),
    (SHORT.replace("030405.25", "NA"), Field.TIME),
    (SHORT.replace("5530.1234", "5560.0000"), Field.COORDINATES),
    (SHORT.replace("5530.1234", "9030.0000"), Field.COORDINATES),
    (SHORT.replace(";S;", ";E;"), Field.COORDINATES),
    (SHORT.replace("03715.6000;W", "NA;NA"), Field.COORDINATES),
    (SHORT.replace("12.5", "2001"), Field.MOTION),
    (SHORT.replace(";90;", ";x;"), Field.MOTION),
    (SHORT.replace(";-40;9", ";-40;256"), Field.SATELLITES),
])
def test_an_unreadable_mandatory_field_is_named(text: str, field: Field) -> None:
    with pytest.raises(FieldError) as caught:
        parse_message(text)
    assert caught.value.field == field


def test_message_is_written_as_the_description_lays_it_out() -> None:
    m = Message(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), 55.5, -37.25, 12.0, None, 40.5, 9,
                extended=True, hdop=1.5, inputs=5, adc=(1.0, 2.5), params={"fuel": 3, "t": 1.5,
                                                                          "n": "x"})
    assert format_message(m) == ("020126;030405;5530.0000;N;03715.0000;W;12.0;NA;40.5;9;"
                                 "1.5;5;NA;1.0,2.5;NA;fuel:1:3,t:2:1.5,n:3:x")
    assert parse_message(format_message(m)) == m
