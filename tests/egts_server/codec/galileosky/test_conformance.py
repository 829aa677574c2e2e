"""The Galileosky corpus (tests/data/galileosky/corpus.json), entry by entry, and round trips.

Packets from an open-source server's test suite (real devices: head packets, archive batches,
command answers) and constructed malformed ones; each goes through a fresh Framer + Session:
the login and its confirmation (0x02 + the packet's CRC), the answer, the error class, the
number of fixes and every field of the first one, or the framing error that ends the stream.
"""

from __future__ import annotations

import struct
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.galileosky import Framer, Session, build_packet
from tests.egts_server.codec.corpus import assert_fix, entry_handled, load_corpus

CORPUS = load_corpus("galileosky")
IMEI = {0x03: b"868204001269934"}


def test_corpus_size() -> None:
    assert len(CORPUS) == 10


@pytest.mark.parametrize("entry", CORPUS, ids=[e["name"] for e in CORPUS])
def test_entry(entry: dict[str, Any]) -> None:
    session = Session()
    handled = entry_handled(Framer(), session, entry)
    if handled is None:
        return
    if entry["login"] is None:
        assert handled.login is None
    else:
        assert handled.login is not None and str(handled.login.device) == entry["login"][0]
        assert session.login_result(handled.login, True).hex() == entry["login"][1]
    assert len(handled.positions) == entry["records"]
    assert list(handled.dropped) == entry["dropped"]
    if handled.positions:
        assert_fix(handled.positions[0], entry["first"])


_RECORDS = st.lists(st.fixed_dictionaries({
    0x20: st.integers(0, 2**32 - 1).map(lambda t: struct.pack("<I", t)),
    0x30: st.tuples(st.integers(0, 15), st.integers(-90_000_000, 90_000_000),
                    st.integers(-180_000_000, 180_000_000)).map(
        lambda c: bytes((c[0],)) + struct.pack("<ii", c[1], c[2])),
    0x33: st.tuples(st.integers(0, 65535), st.integers(0, 3599)).map(
        lambda m: struct.pack("<HH", *m)),
    0x46: st.integers(0, 65535).map(lambda v: struct.pack("<H", v)),
    0x50: st.integers(0, 65535).map(lambda v: struct.pack("<H", v)),
}), min_size=1, max_size=8)


@given(_RECORDS, st.booleans())
def test_round_trip(records: list[dict[int, bytes]], archive: bool) -> None:
    """Records written by the device side read back field by field, however many."""
    framer, session = Framer(), Session()
    (head,) = framer.feed(build_packet([IMEI]))
    assert session.handle(head).login is not None
    (frame,) = framer.feed(build_packet(records, archive=archive))
    handled = session.handle(frame)
    assert handled.error is None and handled.ack == b"\x02" + frame[-2:]
    assert len(handled.positions) == len(records)
    for record, position in zip(records, handled.positions, strict=True):
        _, lat, lon = struct.unpack("<Bii", record[0x30])
        assert (position.latitude, position.longitude) == (lat / 1e6, lon / 1e6)
        assert position.inputs == struct.unpack("<H", record[0x46])[0]
        assert position.attributes["adc1"] == struct.unpack("<H", record[0x50])[0]


def test_fuzz_target_holds_on_mutated_corpus_packets() -> None:
    from tests.fuzz.fuzz_galileosky import random_run

    random_run(300, seed=7)
