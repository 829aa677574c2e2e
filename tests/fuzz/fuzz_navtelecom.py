"""Coverage-guided fuzzing of the NavTelecom Framer + Session (atheris; not CI).

Each input is fed whole and byte by byte after a handshake and a FLEX negotiation
(``streams.check``), so FLEX data paths are reached; the command line is ``harness.py``'s.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from egts_server.codec.navtelecom import Framer, Negotiated, Session  # noqa: E402
from tests.fuzz.streams import StreamTarget, corpus_entries  # noqa: E402


def _pair() -> tuple[Any, Any]:
    negotiated = Negotiated()
    return Framer(negotiated), Session(negotiated)


_ENTRIES = corpus_entries("navtelecom")
_PRELUDE = b"".join(bytes.fromhex(f) for f in _ENTRIES[1]["frames"])  # handshake, FLEX 3.0
TARGET = StreamTarget(_pair, _PRELUDE, [bytes.fromhex(f) for e in _ENTRIES for f in e["frames"]])
random_run = TARGET.random_run

if __name__ == "__main__":
    TARGET.main()
