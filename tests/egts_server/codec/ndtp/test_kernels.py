"""The compiled NDTP NAVDATA reader against the pure-Python reference: same fixes (attribute
order included), replies, situations and errors, on the conformance corpus, on hypothesis'
frames (every cell type, cut cells, coordinates off the globe, random bodies) and on the fuzz
target's mutations."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egts_server.codec.ndtp import Framer, NphResult, Session, kernels
from egts_server.codec.ndtp.constants import CELL_SIZES
from egts_server.extensions import DISABLE_VARIABLE
from tests.builders import ndtp as build
from tests.fuzz import fuzz_ndtp

REPO = Path(__file__).resolve().parents[4]
CORPUS = REPO.parent / "shared" / "vectors" / "nis.json"
COMPILED = kernels.COMPILED
PURE = kernels.PURE
LOGIN = build.frame(build.conn_request(), service=0, ptype=100)  # NAVDATA needs an identity
pytestmark = pytest.mark.skipif(COMPILED is None, reason="the compiled kernels were not built")


@pytest.fixture(autouse=True, scope="module")
def each_implementation() -> None:
    """Replaces the package's fixture: these tests name the implementation each call uses, and
    ``ACTIVE`` must stay what importing the kernels chose."""


def outcome(implementation: kernels.Kernels, data: bytes) -> list[object]:
    """Framer + Session with ``implementation`` over ``data``; every login accepted."""
    session = Session(kernels=implementation)
    seen: list[object] = []
    for frame in Framer().feed(data):
        h = session.handle(frame)
        if h.login is not None:
            seen.append(session.login_result(h.login, NphResult.OK))
        seen.append((h.replies, h.positions, [list(p.attributes.items()) for p in h.positions],
                     h.ack, h.login, h.close, h.situation,
                     None if h.error is None else (type(h.error), str(h.error))))
    return seen


def corpus() -> list[tuple[str, bytes]]:
    return [(e["id"], bytes.fromhex(e["hex"])) for e in json.loads(CORPUS.read_text())
            if e["hex"]]


@pytest.mark.skipif(not CORPUS.exists(), reason="the shared conformance corpus is not beside us")
@pytest.mark.parametrize(("name", "data"), corpus(), ids=[name for name, _ in corpus()])
def test_corpus_entry_is_handled_alike(name: str, data: bytes) -> None:
    """Each entry alone, and after a login (so that its NAVDATA is read)."""
    for stream in (data, LOGIN + data):
        assert outcome(COMPILED, stream) == outcome(PURE, stream)


@st.composite
def cells(draw: st.DrawFn) -> bytes:
    """One cell of any kind: the public layouts, raw cells of known size (sometimes cut short),
    unknown types, coordinates at and past the globe's edge."""
    kind = draw(st.sampled_from(["nav", "nav", "io", "usi", "can", "raw", "unknown"]))
    number = draw(st.integers(0, 3))
    if kind == "nav":
        return build.nav(number=number, lat_raw=draw(st.integers(0, 900_000_001)),
                         lon_raw=draw(st.integers(0, 1_800_000_001)),
                         flags=draw(st.integers(0, 255)), alt=draw(st.integers(-32768, 32767)),
                         course=draw(st.integers(0, 0xFFFF)), bat_20mv=draw(st.integers(0, 255)))
    if kind == "io":
        return build.int_sensor(number=number, di_in=draw(st.integers(0, 255)),
                                di_out=draw(st.integers(0, 255)),
                                analog=(draw(st.integers(0, 0xFFFF)), 1, 2, 3),
                                odometer_m=draw(st.integers(0, 2**32 - 1)))
    if kind == "usi":
        return build.usi(number=number, level_mm=draw(st.integers(0, 0xFFFF)))
    if kind == "can":
        return build.can(number=number, status=draw(st.sampled_from([0, 0xFFFF_FFFF])))
    if kind == "raw":
        cell_type = draw(st.sampled_from(sorted(t for t in CELL_SIZES if t not in (0, 2, 8, 10))))
        size = CELL_SIZES[cell_type] - draw(st.sampled_from([0, 0, 0, 1]))
        return build.raw(cell_type, draw(st.binary(min_size=size, max_size=size)), number=number)
    return build.raw(draw(st.integers(0, 255).filter(lambda t: t not in CELL_SIZES)),
                     draw(st.binary(max_size=12)), number=number)


@st.composite
def navdata_streams(draw: st.DrawFn) -> bytes:
    """A CONN_REQUEST, then NAVDATA frames (realtime or history) of cells or random bytes."""
    frames = [LOGIN]
    for _ in range(draw(st.integers(1, 3))):
        body = (b"".join(draw(st.lists(cells(), max_size=6)))
                if draw(st.booleans()) else draw(st.binary(max_size=60)))
        frames.append(build.frame(body, ptype=draw(st.sampled_from([100, 101])),
                                  request_id=draw(st.integers(0, 5))))
    return b"".join(frames)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(navdata_streams())
def test_navdata_frames_are_handled_alike(data: bytes) -> None:
    assert outcome(COMPILED, data) == outcome(PURE, data)


def test_the_fuzz_targets_mutations_are_handled_alike() -> None:
    """The fuzz target compares both implementations on every input (AssertionError if not)."""
    fuzz_ndtp.random_run(150, seed=7)


def test_the_compiled_implementation_serves_unless_disabled() -> None:
    """Built, the compiled reader serves, unless GLONASS_NO_EXTENSIONS asks for pure Python."""
    disabled = bool(os.environ.get(DISABLE_VARIABLE))
    assert kernels.ACTIVE is (PURE if disabled else COMPILED)
