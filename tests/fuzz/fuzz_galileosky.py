"""Coverage-guided fuzzing of the Galileosky Framer + Session (atheris; not CI).

Each input is fed whole and byte by byte after a head packet (``streams.check``); the command
line is ``harness.py``'s:

    .venv/bin/python tests/fuzz/fuzz_galileosky.py -max_total_time=600
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from egts_server.codec.galileosky import Framer, Session, build_packet  # noqa: E402
from tests.fuzz.streams import StreamTarget, corpus_entries  # noqa: E402

TARGET = StreamTarget(lambda: (Framer(), Session()), build_packet([{0x03: b"868204001269934"}]),
                      [bytes.fromhex(e["hex"]) for e in corpus_entries("galileosky")])
random_run = TARGET.random_run

if __name__ == "__main__":
    TARGET.main()
