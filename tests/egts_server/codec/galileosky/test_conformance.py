"""The Galileosky corpus (tests/data/galileosky/corpus.json), entry by entry, and round trips.

Packets from an open-source server's test suite (real devices: head packets, archive batches,
command answers) and constructed malformed ones; each goes through a fresh Framer + Session:
the login and its confirmation (0x02 + the packet's CRC), the answer, the error class, the
number of fixes and every field of the first one, or the framing error that ends the stream.
"""

from __future__ import annotations

import json
import struct
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.errors import FramingError
from egts_server.codec.galileosky import Framer, Session, build_packet

CORPUS = json.loads((Path(__file__).parents[3] / "data" / "galileosky" / "corpus.json")
                    .read_text(encoding="utf-8"))
IMEI = {0x03: b"868204001269934"}


def test_corpus_size() -> None:
    assert len(CORPUS) == 10


@pytest.mark.parametrize("entry", CORPUS, ids=[e["name"] for e in CORPUS])
def test_entry(entry: dict[str, Any]) -> None:
    framer, session = Framer(), Session()
    data = bytes.fromhex(entry["hex"])
    if "framing_error" in entry:
        with pytest.raises(FramingError) as caught:
            framer.feed(data)
        assert type(caught.value).__name__ == entry["framing_error"]
        return
    (frame,) = framer.feed(data)
    handled = session.handle(frame)
    assert (None if handled.ack is None else handled.ack.hex()) == entry["ack"]
    assert (None if handled.error is None else type(handled.error).__name__) == entry["error"]
    if entry["login"] is None:
        assert handled.login is None
    else:
        assert handled.login is not None and str(handled.login.device) == entry["login"][0]
        assert session.login_result(handled.login, True).hex() == entry["login"][1]
    assert len(handled.positions) == entry["records"]
    assert list(handled.dropped) == entry["dropped"]
    if not handled.positions:
        return
    position = handled.positions[0]
    for name, value in entry["first"].items():
        actual = getattr(position, name)
        if name == "fix_time":
            assert actual == datetime.fromisoformat(value)
        elif name == "attributes":
            assert dict(actual) == value
        else:
            assert actual == value, name


def test_refused_imei_gets_no_confirmation_and_the_session_closes() -> None:
    framer, session = Framer(), Session()
    (frame,) = framer.feed(build_packet([IMEI]))
    login = session.handle(frame).login
    assert login is not None and session.login_result(login, False) == b""
    assert session.handle(frame).close


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
