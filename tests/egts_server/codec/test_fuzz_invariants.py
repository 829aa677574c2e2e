"""Properties of the whole EGTS codec: the h11 contract, chunking invariance, round trips.

Random bytes rarely get past PRV/HL, so most inputs are valid packets from the independent
builders with bytes flipped, cut, inserted or glued together.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egts_server.codec.egts import Framer, Handled, Session, TerminalClient, parse_packet
from egts_server.codec.errors import CodecError, FramingError
from tests.builders import egts as build

NOW = datetime(2024, 1, 15, 7, 0, tzinfo=UTC)
pytestmark = pytest.mark.usefixtures("egts_implementation")  # pure, and compiled when built

SENSORS = [
    build.subrecord(17, build.ext_pos_data(hdop=70, sat=12)),
    build.subrecord(18, build.ad_sensors(dout=1, adio={1: 3}, ans={2: 5})),
    build.subrecord(19, build.counters({1: 9})),
    build.subrecord(20, build.state_data(mpsv=120)),
    build.subrecord(22, build.loopin({1: 1, 2: 2})),
    build.subrecord(23, build.abs_dig_sens(10, 1)),
    build.subrecord(24, build.abs_an_sens(1, 2)),
    build.subrecord(25, build.abs_cntr(3, 4)),
    build.subrecord(26, build.abs_loopin(5, 2)),
    build.subrecord(27, build.liquid_level(llsn=1, value=50)),
    build.subrecord(28, build.passengers(doors={1: (1, 2)})),
    build.subrecord(99, b"\x00\x01"),
]
AUTH_SUBS = [
    build.subrecord(1, build.term_identity(77, imei=b"864495034643376", bs=1024)),
    build.subrecord(2, build.module_data(srn=b"SN")),
    build.subrecord(3, build.vehicle_data()),
    build.subrecord(5, build.dispatcher_identity(did=3, dscr=b"x")),
    build.subrecord(6, build.auth_params(ena=0)),
    build.subrecord(7, build.auth_info(unm=b"u", upsw=b"p")),
    build.subrecord(8, build.service_info((2, 0, 0))),
    build.subrecord(9, build.result_code(0)),
]


@st.composite
def valid_records(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["pos", "auth", "command", "ecall", "response"]))
    rn = draw(st.integers(0, 0xFFFF))
    oid = draw(st.one_of(st.none(), st.integers(0, 2**32 - 1)))
    if kind == "pos":
        extras = draw(st.lists(st.sampled_from(SENSORS), max_size=4))
        lat = draw(st.floats(-90, 90))
        lon = draw(st.floats(-180, 180))
        return build.pos_record(rn=rn, oid=oid, lat=lat, lon=lon, extra=extras,
                                course=draw(st.integers(0, 359)),
                                alt_m=draw(st.one_of(st.none(), st.integers(-500, 9000))))
    if kind == "auth":
        subs = draw(st.lists(st.sampled_from(AUTH_SUBS), min_size=1, max_size=3))
        return build.record(rn=rn, sst=1, oid=oid, subrecords=subs)
    if kind == "command":
        return build.record(rn=rn, sst=4, subrecords=[build.subrecord(51, build.command_data())])
    if kind == "ecall":
        return build.record(rn=rn, sst=10, subrecords=[
            build.subrecord(20, build.accel_data(samples=[(1, 2, 3, 4)]))])
    return build.record(rn=rn, sst=2, subrecords=[build.subrecord(0, build.record_response(1))])


@st.composite
def valid_packets(draw: st.DrawFn) -> bytes:
    records = draw(st.lists(valid_records(), max_size=4))
    route = draw(st.one_of(st.none(), st.tuples(st.integers(0, 0xFFFF), st.integers(0, 0xFFFF),
                                                st.integers(0, 255))))
    pt = draw(st.sampled_from([0, 1, 1, 1]))
    return build.packet(pid=draw(st.integers(0, 0xFFFF)), pt=pt, records=records, route=route,
                        response=(draw(st.integers(0, 0xFFFF)), 0) if pt == 0 else None,
                        flags=draw(st.integers(0, 3)))


@st.composite
def mutated_packets(draw: st.DrawFn) -> bytes:
    """Valid packets, glued, then with bytes flipped, cut or inserted."""
    data = bytearray(b"".join(draw(st.lists(valid_packets(), min_size=1, max_size=3))))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "cut" and data:
            del data[at : at + draw(st.integers(1, 8))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            data = data[:at]
    return bytes(data)


def comparable(handled: Handled) -> tuple[object, ...]:
    """A Handled with its error reduced to class and message (exceptions compare by identity)."""
    error = handled.error
    return (handled.replies, handled.positions, handled.ack, handled.login, handled.close,
            None if error is None else (type(error).__name__, str(error)))


def run(chunks: list[bytes]) -> tuple[list[bytes], list[tuple[object, ...]], str | None]:
    """Framer + Session over these chunks; framing failure reported by class name."""
    framer, session = Framer(), Session(now=lambda: NOW)
    frames: list[bytes] = []
    handled: list[tuple[object, ...]] = []
    for chunk in chunks:
        try:
            new = framer.feed(chunk)
        except FramingError as error:
            frames += error.frames
            handled += [comparable(session.handle(f)) for f in error.frames]
            handled.append(comparable(session.framing_error(error)))
            return frames, handled, type(error).__name__
        frames += new
        handled += [comparable(session.handle(f)) for f in new]
    return frames, handled, None


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return [data[a:b] for a, b in zip(points, points[1:], strict=False)]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_packets())
def test_only_codec_errors_escape(data: bytes) -> None:
    """Any input frames and handles without raising anything but CodecError (h11 contract)."""
    session = Session(now=lambda: NOW)
    session.handle(data)  # handed over unframed, too: the session must not raise either
    try:
        for frame in Framer().feed(data):
            handled = session.handle(frame)
            assert handled.error is None or isinstance(handled.error, CodecError)
    except CodecError:
        pass


@settings(max_examples=200)
@given(st.binary(max_size=64))
def test_random_bytes_only_raise_codec_errors(data: bytes) -> None:
    """Arbitrary bytes, also handed to the session directly, raise nothing else."""
    session = Session(now=lambda: NOW)
    session.handle(data)
    try:
        Framer().feed(data)
    except CodecError:
        pass


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_packets(), st.lists(st.integers(0, 10_000), max_size=12))
def test_chunking_does_not_change_the_outcome(data: bytes, cuts: list[int]) -> None:
    """Frames, replies and the framing verdict are the same however the stream is split."""
    assert run(split(data, cuts)) == run([data])


@settings(max_examples=200)
@given(valid_packets())
def test_valid_packets_round_trip(data: bytes) -> None:
    """parse_packet(b).encode() == b for every packet the builders can make."""
    assert parse_packet(data).encode() == data


@given(valid_packets())
def test_valid_packets_are_never_refused(data: bytes) -> None:
    """A well-formed APPDATA packet is acknowledged with PR 0 and nothing closes."""
    handled = Session(now=lambda: NOW).handle(data)
    assert not handled.close
    if data[9] == 1:
        assert handled.ack is not None and parse_packet(handled.ack).response is not None


@given(st.lists(st.tuples(st.floats(-89.9, 89.9), st.floats(-179.9, 179.9)), min_size=1,
                max_size=5))
def test_client_fixes_survive_the_server(coords: list[tuple[float, float]]) -> None:
    """What TerminalClient sends, Session decodes to the same coordinates (1e-6 degrees)."""
    from egts_server.codec.egts import FixToSend

    client = TerminalClient()
    client.auth_packet(1, None)
    data, _, rns = client.teledata_packet([FixToSend(time=NOW, lat=a, lon=o) for a, o in coords])
    handled = Session(now=lambda: NOW).handle(data)
    assert len(handled.positions) == len(rns)
    for p, (lat, lon) in zip(handled.positions, coords, strict=True):
        assert abs(p.latitude - lat) < 1e-6 and abs(p.longitude - lon) < 1e-6
