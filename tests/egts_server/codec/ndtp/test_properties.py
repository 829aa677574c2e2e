"""Properties of the whole NDTP codec: the h11 contract, chunking invariance, round trips.

Random bytes rarely form a frame, so most inputs are valid frames from the independent builders
with bytes flipped, cut, inserted or glued together.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from egts_server.codec.errors import CodecError
from egts_server.codec.ndtp import Framer, NdtpFix, NphResult, Session, TerminalClient
from tests.builders import ndtp as build

T = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)
CELLS = [build.nav(), build.nav(lat=-12.5, lon=-45.25, valid=False), build.int_sensor(di_in=3),
         build.usi(level_l=4), build.can(fuel_level=0x8010), build.raw(5, bytes(6)),
         build.raw(100, bytes(44)), build.raw(99, b"\x00\x01")]
FRAMES = [
    build.frame(build.conn_request(), service=0, ptype=100),
    build.frame(build.conn_request(imei=None, max_packet_size=65535), service=0, ptype=100),
    build.frame(build.title_data(), service=5, ptype=100, nph_flags=0),
    build.device_result(request_id=3, mes_id=4),
    build.result(service=1, request_id=5),
    build.frame(b"", service=7, ptype=1),
    build.npl(b"\x01\x02", npl_type=3),
]


@st.composite
def frames(draw: st.DrawFn) -> bytes:
    if draw(st.booleans()):
        return draw(st.sampled_from(FRAMES))
    body = b"".join(draw(st.lists(st.sampled_from(CELLS), max_size=4)))
    return build.frame(body, ptype=draw(st.sampled_from([100, 101])),
                       request_id=draw(st.integers(0, 2**32 - 1)),
                       nph_flags=draw(st.sampled_from([0, 1])),
                       flags=draw(st.sampled_from([0, 2])))


@st.composite
def mutated_streams(draw: st.DrawFn) -> bytes:
    data = bytearray(b"".join(draw(st.lists(frames(), min_size=1, max_size=4))))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["flip", "cut", "insert"]))
        at = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            data[min(at, len(data) - 1)] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[at : at + draw(st.integers(1, 16))]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
    return bytes(data)


def outcome(chunks: list[bytes]) -> list[object]:
    """What Framer + Session make of the chunks, logging in first, in comparable form."""
    framer, session = Framer(), Session()
    seen: list[object] = []
    for chunk in chunks:
        for frame in framer.feed(chunk):
            handled = session.handle(frame)
            if handled.login is not None:
                seen.append(session.login_result(handled.login, NphResult.OK))
            seen.append((handled.ack, handled.positions, handled.close, handled.situation,
                         type(handled.error).__name__))
    seen.append((framer.skipped, framer.buffered))
    return seen


@settings(max_examples=300)
@given(mutated_streams())
def test_only_codec_errors_escape(data: bytes) -> None:
    """h11's contract: any input gives frames and Handled values; errors are CodecErrors."""
    framer, session = Framer(), Session()
    for frame in framer.feed(data):
        handled = session.handle(frame)
        assert handled.error is None or isinstance(handled.error, CodecError)


@given(st.binary(max_size=200))
def test_random_bytes_are_handled_without_exceptions(data: bytes) -> None:
    """Raw random bytes, straight into the session as if they were a frame."""
    handled = Session().handle(b"\x7e\x7e" + data)
    assert handled.error is None or isinstance(handled.error, CodecError)


@settings(max_examples=200)
@given(mutated_streams(), st.integers(1, 50))
def test_segmentation_never_changes_the_outcome(data: bytes, size: int) -> None:
    """Byte by byte, in chunks or whole: the same replies, fixes and verdicts."""
    whole = outcome([data])
    assert outcome([data[i : i + size] for i in range(0, len(data), size)]) == whole
    assert outcome([data[i : i + 1] for i in range(len(data))]) == whole


@given(st.lists(st.builds(
    NdtpFix, time=st.integers(0, 10**6).map(lambda s: T + timedelta(seconds=s)),
    lat=st.floats(-90, 90), lon=st.floats(-180, 180), speed_kmh=st.integers(0, 300),
    course_deg=st.integers(0, 359), altitude_m=st.integers(-400, 9000),
    satellites=st.integers(0, 40), valid=st.booleans(), inputs=st.integers(0, 255),
    odometer_m=st.integers(0, 2**32 - 1)), min_size=1, max_size=5), st.booleans())
def test_client_fixes_round_trip_through_the_session(fixes: list[NdtpFix],
                                                    history: bool) -> None:
    """Whatever the simulator sends comes out of the server codec with the same values."""
    client, session = TerminalClient(5), Session()
    handled = session.handle(client.conn_request()[0])
    assert handled.login is not None
    session.login_result(handled.login, NphResult.OK)
    positions = session.handle(client.navdata(fixes, history=history)[0]).positions
    assert len(positions) == len(fixes)
    for fix, p in zip(fixes, positions, strict=True):
        assert p.fix_time == fix.time and p.valid == fix.valid and p.black_box == history
        assert abs(p.latitude - fix.lat) <= 5e-8 and abs(p.longitude - fix.lon) <= 5e-8
        assert (p.speed_kmh, p.course_deg, p.altitude_m, p.satellites, p.inputs,
                p.odometer_m) == (fix.speed_kmh, fix.course_deg, fix.altitude_m,
                                  fix.satellites, fix.inputs, fix.odometer_m)
