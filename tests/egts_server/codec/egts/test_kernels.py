"""The compiled EGTS hot path against the pure-Python reference: same fixes (attribute order
included), records, replies, acknowledgements and error reactions, on the conformance corpus,
on hypothesis' packets (well-formed, mutated, with malformed subrecords behind valid CRCs) and
on the fuzz target's mutations; and each compiled function against the pure one it shadows.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egts_server.codec.egts import Framer, Handled, Session, kernels
from egts_server.codec.egts.responses import Counter16
from egts_server.codec.errors import FramingError
from egts_server.extensions import DISABLE_VARIABLE
from egts_server.model import DeviceKey
from tests.builders import egts as build
from tests.egts_server.codec.test_fuzz_invariants import SENSORS, mutated_packets, valid_packets
from tests.fuzz import fuzz_egts

REPO = Path(__file__).resolve().parents[4]
CORPUS = REPO.parent / "shared" / "vectors" / "egts.json"
NOW = datetime(2024, 1, 15, 7, 0, tzinfo=UTC)
DEVICE = DeviceKey("egts", "42")
TELEDATA_SRTS = [0, *range(16, 29), 99]  # every TELEDATA table, and one without a table

COMPILED = kernels.COMPILED
PURE = kernels.PURE
pytestmark = pytest.mark.skipif(COMPILED is None, reason="the compiled kernels were not built")


@pytest.fixture(autouse=True, scope="module")
def each_implementation() -> None:
    """Replaces the package's fixture: these tests name the implementation each call uses, and
    ``ACTIVE`` must stay what importing the kernels chose."""


def comparable(handled: Handled) -> tuple[object, ...]:
    """Every field of a Handled; errors by class and message, attributes in their order."""
    error = handled.error
    return (handled.replies, handled.positions, [list(p.attributes.items())
                                                 for p in handled.positions],
            handled.ack, handled.login, handled.close, handled.commands, handled.confirmed,
            handled.dropped, None if error is None else (type(error), str(error)))


def outcome(implementation: kernels.Kernels, data: bytes) -> list[tuple[object, ...]]:
    """Framer + Session with ``implementation`` over ``data`` as one read."""
    framer = Framer(kernels=implementation)
    session = Session(now=lambda: NOW, kernels=implementation)
    try:
        frames, failure = framer.feed(data), None
    except FramingError as error:
        frames, failure = list(error.frames), error
    seen = [comparable(session.handle(frame)) for frame in frames]
    if failure is not None:
        seen.append(comparable(session.framing_error(failure)))
    return seen


def raised_or_returned(function: Callable[..., object], *args: object,
                       **kwargs: object) -> object:
    """What a call gives: its value, or the class and message of what it raised."""
    try:
        return function(*args, **kwargs)
    except Exception as error:  # compared, never swallowed: both sides must raise alike
        return type(error), str(error)


def corpus() -> list[tuple[str, bytes]]:
    """The shared corpus' entries, and the terminal session of tests/data/egts as one stream."""
    entries = [(e["id"], bytes.fromhex(e["hex"])) for e in json.loads(CORPUS.read_text())]
    for path in sorted((REPO / "tests" / "data" / "egts").glob("*.hex")):
        lines = [line.strip() for line in path.read_text().splitlines()]
        entries.append((path.name, b"".join(bytes.fromhex(line) for line in lines
                                            if line and not line.startswith("#"))))
    return entries


@pytest.mark.skipif(not CORPUS.exists(), reason="the shared conformance corpus is not beside us")
@pytest.mark.parametrize(("name", "data"), corpus(), ids=[name for name, _ in corpus()])
def test_corpus_entry_is_handled_alike(name: str, data: bytes) -> None:
    assert outcome(COMPILED, data) == outcome(PURE, data)


@st.composite
def teledata_packets(draw: st.DrawFn) -> bytes:
    """APPDATA of TELEDATA records with valid CRCs whose subrecords are well-formed sensors or
    random bytes under any TELEDATA SRT: malformed optional subrecords, bad POS_DATA and
    unknown tables reach the decoders instead of being stopped by a checksum."""
    records = []
    for _ in range(draw(st.integers(0, 4))):
        subrecords = []
        for _ in range(draw(st.integers(0, 5))):
            kind = draw(st.sampled_from(["pos", "sensor", "random"]))
            if kind == "pos":
                subrecords.append(build.subrecord(16, build.pos_data(
                    lat=draw(st.floats(-90, 90)), lon=draw(st.floats(-180, 180)),
                    alt_m=draw(st.one_of(st.none(), st.integers(-500, 9000))),
                    srcd=draw(st.binary(max_size=3)))))
            elif kind == "sensor":
                subrecords.append(draw(st.sampled_from(SENSORS)))
            else:
                subrecords.append(build.subrecord(draw(st.sampled_from(TELEDATA_SRTS)),
                                                  draw(st.binary(max_size=40))))
        records.append(build.record(rn=draw(st.integers(0, 0xFFFF)), sst=2,
                                    oid=draw(st.one_of(st.none(), st.integers(0, 2**32 - 1))),
                                    subrecords=subrecords))
    return build.packet(pid=draw(st.integers(0, 0xFFFF)), records=records)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(teledata_packets())
def test_teledata_packets_are_handled_alike(data: bytes) -> None:
    assert outcome(COMPILED, data) == outcome(PURE, data)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(valid_packets(), mutated_packets()))
def test_any_packets_are_handled_alike(data: bytes) -> None:
    assert outcome(COMPILED, data) == outcome(PURE, data)


def test_the_fuzz_targets_mutations_are_handled_alike() -> None:
    """The fuzz target compares both implementations on every input (AssertionError if not)."""
    fuzz_egts.random_run(150, seed=7)


@settings(max_examples=300)
@given(st.binary(max_size=120), st.integers(0, 0xFFFF))
def test_teledata_positions_alike_on_any_bytes(rd: bytes, rn: int) -> None:
    assert COMPILED is not None
    compiled_dropped: list[str] = []
    pure_dropped: list[str] = []
    compiled = raised_or_returned(COMPILED.teledata_positions, rd, 0, len(rd), rn, DEVICE,
                                  compiled_dropped)
    pure = raised_or_returned(PURE.teledata_positions, rd, 0, len(rd), rn, DEVICE, pure_dropped)
    assert (compiled, compiled_dropped) == (pure, pure_dropped)


@settings(max_examples=300)
@given(st.one_of(st.binary(max_size=60), valid_packets(), mutated_packets()))
def test_framing_header_body_and_record_walk_alike_on_any_bytes(data: bytes) -> None:
    assert COMPILED is not None
    assert raised_or_returned(COMPILED.frame_length, data) == \
        raised_or_returned(PURE.frame_length, data)
    assert raised_or_returned(COMPILED.frame_length, bytearray(data)) == \
        raised_or_returned(PURE.frame_length, bytearray(data))
    header = raised_or_returned(PURE.unpack_header, data)
    assert raised_or_returned(COMPILED.unpack_header, data) == header
    assert raised_or_returned(COMPILED.record_spans, data, 0, len(data)) == \
        raised_or_returned(PURE.record_spans, data, 0, len(data))
    if isinstance(header, tuple) and len(header) == 8:
        _, _, flags, hl, he, fdl, _, _ = header
        assert raised_or_returned(COMPILED.check_body, data, hl, fdl, he, flags) == \
            raised_or_returned(PURE.check_body, data, hl, fdl, he, flags)


@given(st.integers(0, 0xFFFF), st.integers(0, 0xFFFF), st.integers(0, 255),
       st.lists(st.tuples(st.sampled_from([1, 2, 4, 2, 300]), st.integers(0, 0x1FFFF),
                          st.integers(0, 255)), max_size=12),
       st.integers(0, 0xFFFF))
def test_acknowledgements_alike(pid: int, rpid: int, result: int,
                                confirmations: list[tuple[int, int, int]], rn: int) -> None:
    """Same bytes and record numbers taken; out-of-range values raise the same error."""
    assert COMPILED is not None
    compiled_rns, pure_rns = Counter16(rn), Counter16(rn)
    assert raised_or_returned(COMPILED.build_response, pid=pid, rpid=rpid, result=result,
                              confirmations=confirmations, rns=compiled_rns) == \
        raised_or_returned(PURE.build_response, pid=pid, rpid=rpid, result=result,
                           confirmations=confirmations, rns=pure_rns)
    assert next(compiled_rns) == next(pure_rns)


def test_the_compiled_implementation_serves_unless_disabled() -> None:
    """Built, the compiled kernels serve, unless GLONASS_NO_EXTENSIONS asks for pure Python."""
    disabled = bool(os.environ.get(DISABLE_VARIABLE))
    assert kernels.ACTIVE is (PURE if disabled else COMPILED)
