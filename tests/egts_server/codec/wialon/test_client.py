"""Round trips: whatever a tracker can say, written by ``TrackerClient``, reads back the same."""

from __future__ import annotations

from datetime import UTC, datetime
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.wialon import Framer, Message, Session, TrackerClient
from tests.builders.checksums import crc16_arc

_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=12)
_FLOAT = st.floats(0, 1000, allow_nan=False).map(lambda v: round(v, 3))
_PARAM = st.one_of(st.integers(-(10**12), 10**12), _FLOAT,
                   st.text(alphabet="ABCxyz019 %.-", max_size=10))


@st.composite
def messages(draw: st.DrawFn) -> Message:
    extended = draw(st.booleans())
    base = {
        "fix_time": draw(st.none() | st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31))
                         .map(lambda t: t.replace(microsecond=0, tzinfo=UTC))),
        "latitude": round(draw(st.floats(-89.9, 89.9)), 5),
        "longitude": round(draw(st.floats(-179.9, 179.9)), 5),
        "speed_kmh": draw(st.none() | _FLOAT), "course_deg": draw(st.none() | _FLOAT.map(
            lambda v: v % 360)),
        "altitude_m": draw(st.none() | _FLOAT), "satellites": draw(st.none() | st.integers(0, 40)),
    }
    if not extended:
        return Message(**base)
    return Message(**base, extended=True, hdop=draw(st.none() | _FLOAT.map(lambda v: v % 100)),
                   inputs=draw(st.none() | st.integers(0, 2**70)),
                   outputs=draw(st.none() | st.integers(0, 2**16)),
                   adc=tuple(draw(st.lists(_FLOAT, max_size=4))),
                   ibutton=draw(st.none() | st.text(alphabet="0123456789ABCDEF", min_size=1,
                                                    max_size=16)),
                   params=MappingProxyType(draw(st.dictionaries(_NAME, _PARAM, max_size=5))))


@given(messages(), st.sampled_from(["1.1", "2.0"]))
def test_data_packet_round_trip(message: Message, version: str) -> None:
    client = TrackerClient("355217044956192", version=version)
    session, framer = Session(), Framer()
    login, packet = framer.feed(client.login() + client.data(message))
    assert session.handle(login).login is not None
    handled = session.handle(packet)
    assert handled.error is None and handled.dropped == ()
    assert handled.ack == (b"#AD#1\r\n" if message.extended else b"#ASD#1\r\n")
    (position,) = handled.positions
    assert position.latitude == pytest.approx(message.latitude, abs=1e-6)
    assert position.longitude == pytest.approx(message.longitude, abs=1e-6)
    if message.fix_time is not None:
        assert position.fix_time == message.fix_time
    assert position.speed_kmh == (message.speed_kmh or 0.0)
    assert position.satellites == message.satellites
    if message.extended:
        assert dict(position.attributes).get("ibutton") == message.ibutton
        for name, value in message.params.items():
            assert position.attributes[f"param_{name}"] == value


@given(st.lists(messages(), min_size=1, max_size=5))
def test_black_box_counts_every_message(batch: list[Message]) -> None:
    client = TrackerClient("77")
    session, framer = Session(), Framer()
    login, packet = framer.feed(client.login() + client.black_box(batch))
    assert session.handle(login).login is not None
    handled = session.handle(packet)
    assert handled.ack == f"#AB#{len(batch)}\r\n".encode()
    assert len(handled.positions) == len(batch)
    assert all(p.black_box for p in handled.positions)


def test_packets_are_written_as_the_description_lays_them_out() -> None:
    """1.1 sends no CRC; 2.0 appends the CRC-16/ARC (hex) of the message up to its last
    separator."""
    fix = Message(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), -55.5, 37.25, 12.0, 90.0, 40.0, 9)
    v11, v20 = TrackerClient("77", version="1.1"), TrackerClient("77", "pw")
    body = "020126;030405;5530.0000;S;03715.0000;E;12.0;90.0;40.0;9"
    assert v11.login() == b"#L#77;NA\r\n" and v11.data(fix) == f"#SD#{body}\r\n".encode()
    assert v11.ping() == b"#P#\r\n"
    assert v20.login() == f"#L#2.0;77;pw;{crc16_arc(b'2.0;77;pw;'):04X}\r\n".encode()
    signed = f"{body};".encode()
    assert v20.data(fix) == b"#SD#" + signed + f"{crc16_arc(signed):04X}\r\n".encode()
    boxed = f"{body}|{body}|".encode()
    assert v20.black_box([fix, fix]) == b"#B#" + boxed + f"{crc16_arc(boxed):04X}\r\n".encode()
