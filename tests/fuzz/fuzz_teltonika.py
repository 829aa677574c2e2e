"""Coverage-guided fuzzing of the Teltonika Framer + Session (atheris; not CI).

Each input (the corpus' packets and Codec 12 responses, mutated) is fed whole and byte by byte
after an IMEI handshake (``streams.check``); the command line is ``harness.py``'s.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from egts_server.codec.teltonika import Framer, Session, imei_message  # noqa: E402
from tests.fuzz.streams import StreamTarget, corpus_entries  # noqa: E402

TARGET = StreamTarget(
    lambda: (Framer(), Session()), imei_message("356307042441013"),
    [bytes.fromhex(e["hex"]) for e in corpus_entries("teltonika") if "login" not in e]
    + [bytes.fromhex(e["hex"]) for e in corpus_entries("teltonika", "commands.json")
       if e["direction"] == "response"])
random_run = TARGET.random_run

if __name__ == "__main__":
    TARGET.main()
