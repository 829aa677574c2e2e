"""NIS SOAP PutCoord parsing: the sample, batches, every refusal named, hostile XML refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.errors import CodecError
from egts_server.codec.nis_soap import (
    MAX_BODY_BYTES,
    NisFormatError,
    PutCoord,
    encode_request,
    parse_request,
    put_coord_positions,
)
from egts_server.model import DeviceKey

# glonassd's sample post, undeclared prefixes and all (research §8; Coord wrapped here).
SAMPLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope">
<soapenv:Header/>
<soapenv:Body>
<ws:PutCoord>
<ObjectID>01326273</ObjectID>
<Coord time="2015-12-25T04:31:40Z" lon="65.222512" lat="55.403608" alt="0"
 speed="0.0" dir="0" valid="1" />
<DigI inpnum="6" />
</ws:PutCoord>
</soapenv:Body>
</soapenv:Envelope>
"""


def envelope(*records: str, ns: str = "") -> bytes:
    declare = f' xmlns:ws="{ns}"' if ns else ""
    return (f'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"'
            f"{declare}><soapenv:Body>{''.join(records)}</soapenv:Body></soapenv:Envelope>"
            ).encode()


def put(object_id: str = "A1", coord: str = 'time="2026-02-03T07:00:00Z" lon="137" lat="50.5"',
        extra: str = "") -> str:
    return (f"<ws:PutCoord><ObjectID>{object_id}</ObjectID><Coord {coord} />{extra}"
            "</ws:PutCoord>")


def test_sample_with_undeclared_prefixes_is_read() -> None:
    """The public sample parses although its soapenv:/ws: prefixes are never declared."""
    (record,) = parse_request(SAMPLE).records
    assert record == PutCoord(object_id="01326273",
                              time=datetime(2015, 12, 25, 4, 31, 40, tzinfo=UTC),
                              lon=65.222512, lat=55.403608, alt=0.0, speed=0.0, course=0.0,
                              valid=True, digital_inputs=(6,))


def test_batch_keeps_order_inputs_outputs_and_analog() -> None:
    """Several records; DigI/DigO/AnalogI map to bits (0-based) and adc{num+1}."""
    body = envelope(put("A1", extra='<DigI inpnum="0"/><DigI inpnum="3"/><DigO outnum="1"/>'
                                   '<AnalogI num="0" val="12.5"/>'),
                    put("B2", 'time="2026-02-03T07:00:05+03:00" lon="-70.5" lat="-33.25" '
                              'alt="-12" speed="61.5" dir="359" valid="0"'))
    a, b = parse_request(body).records
    assert (a.object_id, a.digital_inputs, a.digital_outputs, a.analog_inputs) == (
        "A1", (0, 3), (1,), ((0, 12.5),))
    assert (b.time, b.lon, b.lat, b.alt, b.speed, b.course, b.valid) == (
        datetime(2026, 2, 3, 4, 0, 5, tzinfo=UTC), -70.5, -33.25, -12.0, 61.5, 359.0, False)
    pa, pb = put_coord_positions([a, b])
    assert pa.device == DeviceKey("nis", "A1") and pa.inputs == 0b1001
    assert dict(pa.attributes) == {"outputs": 0b10, "adc1": 12.5}
    assert (pb.valid, pb.altitude_m, pb.speed_kmh, pb.course_deg, pb.inputs) == (
        False, -12.0, 61.5, 359.0, 0)


def test_declared_ws_namespace_is_remembered_for_the_answer() -> None:
    """The sender's ws namespace comes back in the response."""
    assert parse_request(envelope(put(), ns="http://example/ws")).ws_namespace == \
        "http://example/ws"


def test_windows_1251_bodies_are_read() -> None:
    """Russian platforms may declare cp1251; ObjectIDs keep their letters."""
    body = ('<?xml version="1.0" encoding="windows-1251"?>' +
            envelope(put("Грейдер-7")).decode()).encode("cp1251")
    assert parse_request(body).records[0].object_id == "Грейдер-7"


def test_missing_optional_attributes_take_documented_defaults() -> None:
    """Only time, lon and lat are required: no alt, speed 0, dir 0, valid."""
    (r,) = parse_request(envelope(put())).records
    assert (r.alt, r.speed, r.course, r.valid) == (None, 0.0, 0.0, True)


@pytest.mark.parametrize(("body", "message"), [
    (b"", "empty request body"),
    (b"<soapenv:Envelope><soapenv:Body>", "malformed XML at line 1"),
    (b"<Envelope><Body></Body></Envelope>", "no PutCoord element"),
    (b"<html><body/></html>", "root element is <html>, not a SOAP Envelope"),
    (b"\xff\xfe\x00garbage", "malformed XML"),
    (envelope(put("")), r"PutCoord #1: no ObjectID"),
    (envelope("<ws:PutCoord><ObjectID>X</ObjectID></ws:PutCoord>"),
     r"PutCoord #1 \(ObjectID X\): no Coord"),
    (envelope(put(), put("Y", 'time="yesterday" lon="1" lat="2"')),
     r"PutCoord #2 \(ObjectID Y\): Coord time='yesterday' is not an ISO 8601 time"),
    (envelope(put(coord='time="2026-02-03T07:00:00Z" lon="abc" lat="1"')),
     "Coord lon='abc' is not a number"),
    (envelope(put(coord='time="2026-02-03T07:00:00Z" lon="1" lat="nan"')),
     "Coord lat='nan' is not a number"),
    (envelope(put(coord='time="2026-02-03T07:00:00Z" lon="1" lat="95"')),
     "lat 95.0 is outside -90..90"),
    (envelope(put(coord='time="2026-02-03T07:00:00Z" lat="1"')), "Coord has no 'lon'"),
    (envelope(put(coord='time="2026-02-03T07:00:00Z" lon="1" lat="2" valid="yes"')),
     "valid='yes' is neither 0 nor 1"),
    (envelope(put(extra='<DigI inpnum="-1"/>')), "DigI inpnum='-1' is not a non-negative"),
    (envelope(put(extra='<DigI inpnum="64"/>')), "DigI inpnum 64 is outside 0..63"),
    (envelope(put(extra='<AnalogI num="1"/>')), "AnalogI has no 'val' attribute"),
    (envelope(put(extra=put())), "PutCoord inside PutCoord"),
    (envelope(put(extra='<Coord time="2026-02-03T07:00:00Z" lon="1" lat="2"/>')),
     "more than one Coord"),
    (envelope(put("x" * 65)), "ObjectID must have 1 to 64 characters"),
])
def test_each_problem_is_refused_with_a_message_naming_it(body: bytes, message: str) -> None:
    """Malformed XML and bad records raise NisFormatError saying what and where."""
    with pytest.raises(NisFormatError, match=message):
        parse_request(body)


def test_billion_laughs_is_refused_before_expansion() -> None:
    """Entity declarations (and the DTD carrying them) are refused, nothing is expanded."""
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            b"<Envelope><Body>&lol2;</Body></Envelope>")
    with pytest.raises(NisFormatError, match="DTD is not allowed"):
        parse_request(bomb)


def test_external_entities_are_refused() -> None:
    """An external entity (file read) never gets resolved."""
    xxe = (b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b"<Envelope><Body><ObjectID>&x;</ObjectID></Body></Envelope>")
    with pytest.raises(NisFormatError, match="not allowed"):
        parse_request(xxe)


def test_oversized_body_is_refused_unread() -> None:
    """More than MAX_BODY_BYTES is refused before parsing."""
    with pytest.raises(NisFormatError, match="exceeds"):
        parse_request(b" " * (MAX_BODY_BYTES + 1))


records = st.builds(
    PutCoord,
    object_id=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs",
                                                                       "Zl", "Zp")),
                      min_size=1, max_size=20),
    time=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                      timezones=st.just(UTC)),
    lon=st.floats(-180, 180), lat=st.floats(-90, 90),
    alt=st.none() | st.floats(-500, 9000), speed=st.floats(0, 300), course=st.floats(0, 360),
    valid=st.booleans(), digital_inputs=st.lists(st.integers(0, 63), max_size=4).map(tuple),
    digital_outputs=st.lists(st.integers(0, 63), max_size=4).map(tuple),
    analog_inputs=st.lists(st.tuples(st.integers(0, 63), st.floats(-1e6, 1e6)),
                           max_size=3).map(tuple))


@given(st.lists(records, min_size=1, max_size=5))
def test_any_batch_round_trips(batch: list[PutCoord]) -> None:
    """parse(encode(records)) == records: our writer and reader agree exactly."""
    assert list(parse_request(encode_request(batch)).records) == batch


@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_codec_errors(data: bytes) -> None:
    """The h11 contract for XML: anything either parses or raises a CodecError."""
    try:
        parse_request(data)
    except CodecError:
        pass
