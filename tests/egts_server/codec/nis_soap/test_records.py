"""PutCoord values: what a record may hold, and the XML it writes (glonassd's layout)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from egts_server.codec.nis_soap.records import PutCoord, encode_request, format_time

VLADIVOSTOK = timezone(timedelta(hours=10))
T = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)


def coord(**fields: Any) -> PutCoord:
    return PutCoord(**{"object_id": "A1", "time": T, "lon": 137.0, "lat": 50.5, **fields})


def test_a_record_writes_every_element_one_per_line() -> None:
    """ObjectID escaped, Coord attributes in glonassd's order, then DigI, DigO, AnalogI."""
    record = coord(object_id="A<1", time=datetime(2026, 2, 3, 7, 0, 0, 500000, VLADIVOSTOK),
                   lat=-50.5, alt=12.5, speed=61.5, course=359.0, valid=False,
                   digital_inputs=(0, 3), digital_outputs=(1,), analog_inputs=((0, 12.5),))
    assert record.encode().split("\r\n") == [
        "<ws:PutCoord>",
        "<ObjectID>A&lt;1</ObjectID>",
        '<Coord time="2026-02-02T21:00:00.500000Z" lon="137.0" lat="-50.5" alt="12.5"'
        ' speed="61.5" dir="359.0" valid="0" />',
        '<DigI inpnum="0" />', '<DigI inpnum="3" />', '<DigO outnum="1" />',
        '<AnalogI num="0" val="12.5" />',
        "</ws:PutCoord>"]


def test_no_altitude_writes_no_alt_attribute() -> None:
    assert ' alt="' not in coord().encode()
    assert 'valid="1"' in coord().encode()


def test_times_are_written_in_utc_with_z() -> None:
    assert format_time(datetime(2026, 2, 3, 17, 0, tzinfo=VLADIVOSTOK)) == "2026-02-03T07:00:00Z"
    assert format_time(datetime(2026, 2, 3, 7, 0, 0, 250000, UTC)) == \
        "2026-02-03T07:00:00.250000Z"


def test_the_envelope_declares_soapenv_and_the_chosen_ws_namespace() -> None:
    body = encode_request([coord(), coord(object_id="B2")], ws_namespace="http://example/ws")
    text = body.decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\r\n<soapenv:Envelope '
                           'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
                           "xmlns:ws=\"http://example/ws\">\r\n<soapenv:Header/>\r\n"
                           "<soapenv:Body>\r\n<ws:PutCoord>")
    assert text.endswith("</ws:PutCoord>\r\n</soapenv:Body>\r\n</soapenv:Envelope>\r\n")
    assert text.count("<ws:PutCoord>") == 2
    assert text.index("<ObjectID>A1<") < text.index("<ObjectID>B2<")


@pytest.mark.parametrize(("fields", "message"), [
    ({"object_id": ""}, "ObjectID must have 1 to 64 characters"),
    ({"object_id": "x" * 65}, "ObjectID must have 1 to 64 characters"),
    ({"time": datetime(2026, 2, 3, 7, 0)}, "time must be timezone-aware"),
    ({"lon": math.inf}, "lon is not a finite number"),
    ({"alt": math.nan}, "alt is not a finite number"),
    ({"speed": math.nan}, "speed is not a finite number"),
    ({"course": -math.inf}, "dir is not a finite number"),
    ({"lon": 180.5}, r"lon 180.5 is outside -180..180"),
    ({"lat": -90.5}, r"lat -90.5 is outside -90..90"),
    ({"digital_inputs": (64,)}, r"DigI inpnum 64 is outside 0..63"),
    ({"digital_outputs": (-1,)}, r"DigO outnum -1 is outside 0..63"),
    ({"analog_inputs": ((64, 1.0),)}, r"AnalogI num 64 is outside 0..63"),
    ({"analog_inputs": ((1, math.nan),)}, "AnalogI val is not a finite number"),
])
def test_a_value_the_xml_cannot_carry_is_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        coord(**fields)


def test_the_limits_themselves_are_allowed() -> None:
    record = coord(object_id="x" * 64, lon=-180.0, lat=90.0, digital_inputs=(0, 63),
                   digital_outputs=(63,), analog_inputs=((63, -1e6),))
    assert record.lat == 90.0 and record.digital_inputs == (0, 63)
