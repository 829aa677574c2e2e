"""The Wialon IPS corpus (tests/data/wialon/corpus.json), entry by entry.

Entries come from public material (Gurtam's protocol description, open-source test suites,
published packets of real trackers; each names its source) plus constructed malformed cases.
Each entry is fed to a fresh Framer + Session, after a login of the version it names; checked:
the exact answer (or a login to decide on), the error class, every listed field of every fix,
and which optional elements were dropped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from egts_server.codec.wialon import Framer, Handled, Session, TrackerClient
from tests.egts_server.codec.corpus import assert_fix, load_corpus

CORPUS = load_corpus("wialon")
NOW = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)


def run(entry: dict[str, Any]) -> tuple[Session, Handled]:
    session = Session(now=lambda: NOW)
    framer = Framer()
    if entry["login"] is not None:
        (login_packet,) = framer.feed(TrackerClient("77", version=entry["login"]).login())
        assert session.handle(login_packet).login is not None
    (packet,) = framer.feed(entry["packet"].encode() + b"\r\n")
    return session, session.handle(packet)


def test_corpus_size() -> None:
    assert len(CORPUS) == 33


@pytest.mark.parametrize("entry", CORPUS, ids=[e["name"] for e in CORPUS])
def test_entry(entry: dict[str, Any]) -> None:
    session, handled = run(entry)
    expected = entry["answer"]
    if expected is not None and expected.startswith("LOGIN:"):
        _, protocol, identifier, version = expected.split(":")
        assert handled.login is not None and handled.ack is None
        assert (handled.login.device.protocol, handled.login.device.identifier) == (
            protocol, identifier)
        assert handled.login.details["protocol_version"] == version
        assert session.login_result(handled.login, True) == b"#AL#1\r\n"
    else:
        assert handled.ack == (None if expected is None else expected.encode() + b"\r\n")
    assert (None if handled.error is None else type(handled.error).__name__) == entry["error"]
    assert [element for element, _ in handled.dropped] == entry.get("dropped", [])
    assert len(handled.positions) == len(entry["fixes"])
    for position, fix in zip(handled.positions, entry["fixes"], strict=True):
        assert_fix(position, fix, tolerance=1e-6, now=NOW)
