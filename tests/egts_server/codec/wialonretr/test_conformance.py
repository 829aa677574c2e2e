"""The Wialon Retranslator corpus (tests/data/wialonretr/corpus.json), entry by entry.

Packets from an open-source server's test suite (real relayed units) and constructed ones; each
goes through a fresh Framer + Session: the answer (0x11 or none), the error class, the blocks
dropped alone, and every listed field of the fix.
"""

from __future__ import annotations

from typing import Any

import pytest

from egts_server.codec.wialonretr import Framer, Session
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


def test_fuzz_target_holds_on_mutated_corpus_packets() -> None:
    from tests.fuzz.fuzz_wialonretr import random_run

    random_run(300, seed=7)
