"""The Teltonika corpus (tests/data/teltonika/corpus.json), entry by entry.

Packets from Teltonika's public protocol description and an open-source server's test suite
(real devices' packets), plus constructed malformed ones. Each is fed to a fresh Framer +
Session after an IMEI handshake (except the handshake itself); checked: the exact answer (record
count as u32), the error class, the number of fixes and every field of the first fix, a command
response's bytes, or the framing error that ends the stream. Codec 12 vectors are in
``commands.json`` (``test_commands.py``).
"""

from __future__ import annotations

from typing import Any

import pytest

from egts_server.codec.errors import FramingError
from egts_server.codec.teltonika import Framer, Session, imei_message
from tests.egts_server.codec.corpus import assert_answer, assert_fix, entry_frame, load_corpus

CORPUS = load_corpus("teltonika")


def test_corpus_size() -> None:
    assert len(CORPUS) == 19


def test_wiki_example_decodes_as_the_vendor_documents_it() -> None:
    """Codec 8 example of the vendor's description: its values, written out by hand."""
    (entry,) = [e for e in CORPUS if e["source"].startswith("Teltonika wiki")]
    first = entry["first"]
    assert first["fix_time"] == "2019-06-10T10:04:46+00:00"
    assert (first["latitude"], first["longitude"], first["satellites"]) == (0.0, 0.0, 0)
    assert first["attributes"] == {"io21": 3, "io1": 1, "io66": 24079, "io241": 24602,
                                   "io78": 0, "voltage_main_v": 24.079}
    assert first["inputs"] == 1 and entry["ack"] == "00000001"


@pytest.mark.parametrize("entry", CORPUS, ids=[e["name"] for e in CORPUS])
def test_entry(entry: dict[str, Any]) -> None:
    framer, session = Framer(), Session()
    if "login" not in entry:
        (imei,) = framer.feed(imei_message("356307042441013"))
        login = session.handle(imei).login
        assert login is not None and session.login_result(login, True) == b"\x01"
    frame = entry_frame(framer, entry)
    if isinstance(frame, FramingError):
        assert session.framing_error(frame).close
        return
    handled = session.handle(frame)
    if "login" in entry:
        assert handled.login is not None and str(handled.login.device) == entry["login"]
        assert session.login_result(handled.login, True) == b"\x01"
        return
    assert_answer(handled, entry)
    assert len(handled.positions) == entry["records"]
    assert (None if handled.response is None else handled.response.hex()) == entry.get(
        "response_hex")
    if handled.positions:
        assert_fix(handled.positions[0], entry["first"])
