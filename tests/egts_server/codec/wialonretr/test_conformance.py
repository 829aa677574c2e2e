"""The Wialon Retranslator corpus (tests/data/wialonretr/corpus.json) and round trips.

Packets from an open-source server's test suite (real relayed units) and constructed ones; each
goes through a fresh Framer + Session: the answer (0x11 or none), the error class, the blocks
dropped alone, and every listed field of the fix.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.wialonretr import (
    Framer,
    PosInfo,
    RetranslatorPacket,
    Session,
    build_packet,
    parse_packet,
)
from tests.egts_server.codec.corpus import assert_fix, entry_handled, load_corpus

CORPUS = load_corpus("wialonretr")


def test_corpus_size() -> None:
    assert len(CORPUS) == 8


@pytest.mark.parametrize("entry", CORPUS, ids=[e["name"] for e in CORPUS])
def test_entry(entry: dict[str, Any]) -> None:
    handled = entry_handled(Framer(), Session(), entry)
    if handled is None:
        return
    assert list(handled.dropped) == entry["dropped"]
    if entry["fix"] is None:
        assert handled.positions == ()
        return
    (position,) = handled.positions
    assert_fix(position, entry["fix"], tolerance=1e-7)


_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=12).filter(
    lambda n: n != "posinfo")
_VALUE = st.one_of(st.text(alphabet="abcXYZ 019.-", max_size=12),
                   st.binary(max_size=12), st.integers(-(2**63), 2**63 - 1),
                   st.floats(allow_nan=False, allow_infinity=False))


@given(st.text(alphabet="0123456789ABC", min_size=1, max_size=20),
       st.integers(0, 2**32 - 1), st.integers(0, 63),
       st.none() | st.builds(PosInfo, st.floats(-180, 180), st.floats(-90, 90),
                             st.floats(-1000, 9000), st.integers(0, 65535),
                             st.integers(0, 65535), st.integers(0, 255)),
       st.dictionaries(_NAME, _VALUE, max_size=6))
def test_round_trip(controller: str, seconds: int, flags: int, position: PosInfo | None,
                    values: dict[str, Any]) -> None:
    packet = RetranslatorPacket(controller, datetime.fromtimestamp(seconds, UTC), flags,
                                position, MappingProxyType(values))
    data = build_packet(packet)
    (frame,) = Framer().feed(data)
    assert parse_packet(frame[4:]) == packet


def test_fuzz_target_holds_on_mutated_corpus_packets() -> None:
    from tests.fuzz.fuzz_wialonretr import random_run

    random_run(300, seed=7)
