"""The compiled COPY encoder against the pure-Python reference: the same bytes for the fixes
of the conformance corpus and for hypothesis' rows (every optional column present or not,
NaN and infinities, integers and floats past their columns' range, any text in the
attributes), and the same error where the reference refuses a batch."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from enum import IntEnum
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db import positions
from db.positions import FixRow
from egts_server.codec.egts import Framer, Session, kernels
from egts_server.codec.errors import CodecError
from egts_server.extensions import COMPILED as COMPILED_NAME
from egts_server.extensions import DISABLE_VARIABLE
from egts_server.extensions import PURE as PURE_NAME
from egts_server.model import DeviceKey, Position
from tests.db.copy_encoders import COMPILED, PURE

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "vectors" / "egts.json"
SESSION_STREAM = REPO / "tests" / "data" / "egts" / "login_and_fixes.hex"
NOW = datetime(2024, 1, 15, 7, 0, tzinfo=UTC)
T0 = datetime(2026, 3, 2, 6, 0, 0, 250_000, tzinfo=UTC)

pytestmark = pytest.mark.skipif(COMPILED is None, reason="the compiled encoder was not built")


def outcome(encode: Callable[[Sequence[FixRow]], bytes], rows: Sequence[FixRow]) -> object:
    """The stream, or the error's class and message."""
    try:
        return encode(rows)
    except Exception as error:
        return type(error), str(error)


def assert_alike(rows: Sequence[FixRow]) -> None:
    assert COMPILED is not None
    assert outcome(COMPILED, rows) == outcome(PURE, rows)


def corpus_positions() -> list[Position]:
    """Every fix the EGTS session makes of the shared corpus and of the recorded session."""
    streams = [bytes.fromhex(e["hex"]) for e in json.loads(CORPUS.read_text())]
    streams.append(bytes.fromhex("".join(line for line in SESSION_STREAM.read_text().splitlines()
                                         if not line.startswith("#"))))
    found: list[Position] = []
    for stream in streams:
        session = Session(now=lambda: NOW, kernels=kernels.PURE)
        try:
            frames = Framer().feed(stream)
        except CodecError:  # an entry the corpus keeps to be refused
            continue
        for frame in frames:
            found += session.handle(frame).positions
    return found


@pytest.mark.skipif(not CORPUS.exists(), reason="the shared conformance corpus is not beside us")
def test_corpus_fixes_are_encoded_alike() -> None:
    found = corpus_positions()
    assert len(found) > 150  # the real terminal packets' fixes are among them
    rows = [FixRow(7 + n, None if n % 3 else 500 + n, NOW + timedelta(microseconds=n), p)
            for n, p in enumerate(found)]
    assert_alike(rows)
    assert COMPILED is not None and COMPILED(rows) == PURE(rows)  # bytes, not an error


class Level(IntEnum):
    HIGH = 3


texts = st.text(st.characters(codec="utf-8"))  # no lone surrogates: UTF-8 can carry them all
values = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(), texts,
                   st.just(Level.HIGH), st.lists(st.integers(), max_size=2))
attribute_maps = st.dictionaries(texts, values, max_size=6).map(
    lambda d: d if len(d) % 2 else MappingProxyType(d))
floats4 = st.floats(width=32)  # wider ones: see the refused values below
moments = st.datetimes(min_value=datetime(1, 1, 1), timezones=st.just(UTC))
fix_rows = st.builds(
    FixRow,
    terminal_id=st.integers(-2**63, 2**63 - 1),
    vehicle_id=st.none() | st.integers(-2**63, 2**63 - 1),
    received_at=moments,
    position=st.builds(
        Position,
        device=st.builds(DeviceKey, st.sampled_from(["egts", "ndtp", "осмэнд"]), st.just("1")),
        fix_time=moments, latitude=st.floats(), longitude=st.floats() | st.integers(-180, 180),
        valid=st.booleans(), speed_kmh=floats4, course_deg=floats4,
        altitude_m=st.none() | floats4, satellites=st.none() | st.integers(-2**15, 2**15 - 1),
        hdop=st.none() | floats4, inputs=st.none() | st.integers(0, 2**63 - 1),
        odometer_m=st.none() | st.floats(), black_box=st.booleans(), pz90=st.booleans(),
        attributes=attribute_maps))


@given(st.lists(fix_rows, max_size=5))
def test_any_rows_are_encoded_alike(rows: list[FixRow]) -> None:
    assert_alike(rows)


@pytest.mark.parametrize("change", [
    {"satellites": 2**15}, {"inputs": 2**63}, {"speed_kmh": 1e39}, {"hdop": "0.8"},
    {"latitude": True}, {"attributes": {1: "key that json converts"}},
    {"attributes": {"lone": "\udc80"}}, {"attributes": {"\udc80": 1}},
    {"attributes": {"value": object()}}, {"fix_time": datetime(2026, 3, 2)},
    {"fix_time": datetime(2026, 3, 2, 9, tzinfo=timezone(timedelta(hours=3)))},
])
def test_what_the_reference_refuses_or_converts_comes_out_alike(change: dict[str, object]) -> None:
    """Values the compiled path leaves to the reference: its bytes, or its error."""
    fix = Position(device=DeviceKey("egts", "1"), fix_time=T0, latitude=1.0, longitude=2.0,
                   valid=True, speed_kmh=3.0, course_deg=4.0)
    rows = [FixRow(1, 2, T0, fix), FixRow(1, 2, T0, fix._replace(**change))]
    assert_alike(rows)


def test_many_attribute_keys_are_encoded_alike() -> None:
    """More distinct keys than any cache holds: still the reference's text."""
    fix = Position(device=DeviceKey("egts", "1"), fix_time=T0, latitude=1.0, longitude=2.0,
                   valid=True, speed_kmh=3.0, course_deg=4.0)
    rows = [FixRow(1, None, T0, fix._replace(attributes={f"sensor{n}": n, "ок": n / 3}))
            for n in range(6000)]
    assert_alike(rows)


def test_the_compiled_encoder_serves_unless_disabled() -> None:
    """Built, the writer encodes with the compiled encoder unless GLONASS_NO_EXTENSIONS says
    otherwise."""
    disabled = bool(os.environ.get(DISABLE_VARIABLE))
    assert positions.COPY_ENCODER == (PURE_NAME if disabled else COMPILED_NAME)
    assert positions.encode_copy is (PURE if disabled else COMPILED)
