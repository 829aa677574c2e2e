"""Coverage-guided fuzzing of the Wialon IPS Framer + Session (atheris; not CI).

Each input is fed whole and byte by byte after a 2.0 login (``streams.check``), the session's
clock fixed; the command line is ``harness.py``'s.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from egts_server.codec.wialon import Framer, Session, TrackerClient  # noqa: E402
from tests.fuzz.streams import StreamTarget, corpus_entries  # noqa: E402

_NOW = datetime(2026, 1, 1, tzinfo=UTC)
TARGET = StreamTarget(lambda: (Framer(), Session(now=lambda: _NOW)), TrackerClient("77").login(),
                      [e["packet"].encode() + b"\r\n" for e in corpus_entries("wialon")])
random_run = TARGET.random_run

if __name__ == "__main__":
    TARGET.main()
