"""Coverage-guided fuzzing of the Wialon Retranslator Framer + Session (atheris; not CI).

Each input is fed whole and byte by byte (``streams.check``); the command line is
``harness.py``'s, e.g. ``--random N`` for N random mutations of the corpus' packets.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from egts_server.codec.wialonretr import Framer, Session  # noqa: E402
from tests.fuzz.streams import StreamTarget, corpus_entries  # noqa: E402

TARGET = StreamTarget(lambda: (Framer(), Session()), b"",
                      [bytes.fromhex(e["hex"]) for e in corpus_entries("wialonretr")])
random_run = TARGET.random_run

if __name__ == "__main__":
    TARGET.main()
