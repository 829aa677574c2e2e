"""The NavTelecom corpus (tests/data/navtelecom/corpus.json): sequences of frames through one
connection's Framer + Session, and round trips.

From an open-source server's test suite (a real device's handshake, FLEX 1.0 and 3.0
negotiations, an archive of four records) and constructed malformed frames. Each step checks
the answer, the error class, the login and its answer, the number of fixes and the first fix's
fields; a stream that cannot be cut ends with its framing error.
"""

from __future__ import annotations

import struct
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.errors import FramingError
from egts_server.codec.navtelecom import (
    Framer,
    Negotiated,
    Session,
    archive,
    current,
    handshake,
    negotiation,
)
from tests.egts_server.codec.corpus import assert_answer, load_corpus

CORPUS = load_corpus("navtelecom")


def connection() -> tuple[Framer, Session]:
    negotiated = Negotiated()
    return Framer(negotiated), Session(negotiated)


def test_corpus_size() -> None:
    assert len(CORPUS) == 10


@pytest.mark.parametrize("entry", CORPUS, ids=[e["name"] for e in CORPUS])
def test_entry(entry: dict[str, Any]) -> None:
    framer, session = connection()
    steps = iter(entry["steps"])
    for data in entry["frames"]:
        try:
            frames = framer.feed(bytes.fromhex(data))
        except FramingError as error:
            assert next(steps) == {"framing_error": type(error).__name__}
            break
        for frame in frames:
            step = next(steps)
            handled = session.handle(frame)
            assert_answer(handled, step)
            if step["login"] is not None:
                assert handled.login is not None
                assert str(handled.login.device) == step["login"][0]
                assert session.login_result(handled.login, True).hex() == step["login"][1]
            assert len(handled.positions) == step["records"]
            if handled.positions:
                p = handled.positions[0]
                for name, value in step["first"].items():
                    actual = (p.attributes.get(name) if name == "voltage_main_v"
                              else getattr(p, name))
                    expected = datetime.fromisoformat(value) if name == "fix_time" else value
                    assert actual == expected, name
    assert next(steps, None) is None


FIELDS = [3, 8, 9, 10, 11, 12, 13, 14, 29]


@given(st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 63),
                          st.integers(-54_000_000, 54_000_000),
                          st.integers(-108_000_000, 108_000_000), st.integers(0, 3600),
                          st.integers(0, 359), st.integers(0, 255)), min_size=1, max_size=20),
       st.booleans())
def test_round_trip(values: list[tuple[int, ...]], as_current: bool) -> None:
    framer, session = connection()
    for frame in framer.feed(handshake("866795031410689") + negotiation(FIELDS)):
        handled = session.handle(frame)
        if handled.login is not None:
            assert session.login_result(handled.login, True)
    records = [{3: struct.pack("<I", t), 8: bytes((sats << 2 | 2,)), 9: struct.pack("<I", t),
                10: struct.pack("<i", lat), 11: struct.pack("<i", lon),
                12: struct.pack("<i", alt), 13: struct.pack("<f", 36.5),
                14: struct.pack("<H", course), 29: bytes((inputs,))}
               for t, sats, lat, lon, alt, course, inputs in values]
    data = current(7, records[0]) if as_current else archive(records)
    (frame,) = framer.feed(data)
    handled = session.handle(frame)
    assert handled.error is None
    assert handled.ack == (data[:6] if as_current else data[:3]) + handled.ack[-1:]
    sent = values[:1] if as_current else values
    assert len(handled.positions) == len(sent)
    for (t, sats, lat, lon, alt, course, inputs), p in zip(sent, handled.positions, strict=True):
        assert p.fix_time.timestamp() == t
        assert (p.latitude, p.longitude) == (lat / 600000, lon / 600000)
        assert (p.satellites, p.inputs, p.course_deg, p.altitude_m) == (sats, inputs, course,
                                                                         alt / 10)


def test_fuzz_target_holds_on_mutated_corpus_frames() -> None:
    from tests.fuzz.fuzz_navtelecom import random_run

    random_run(200, seed=7)
