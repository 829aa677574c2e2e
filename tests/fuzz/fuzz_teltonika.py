"""Coverage-guided fuzzing of the Teltonika Framer + Session (atheris; not CI).

Each input is fed whole and byte by byte after an IMEI handshake (``streams.check``).

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_teltonika.py -max_total_time=600

Without atheris, ``python tests/fuzz/fuzz_teltonika.py --random N`` runs N random mutations of
the corpus' packets through the same check.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from egts_server.codec.teltonika import Framer, Session, imei_message  # noqa: E402
from tests.fuzz import harness, streams  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "teltonika" / "corpus.json"
COMMANDS = ROOT / "tests" / "data" / "teltonika" / "commands.json"
_SEEDS = [bytes.fromhex(e["hex"]) for e in json.loads(CORPUS.read_text(encoding="utf-8"))
          if "login" not in e] + [
    bytes.fromhex(e["hex"]) for e in json.loads(COMMANDS.read_text(encoding="utf-8"))
    if e["direction"] == "response"]
check = functools.partial(streams.check, lambda: (Framer(), Session()),
                          imei_message("356307042441013"))


def random_run(count: int, seed: int = 0) -> None:
    streams.random_run(lambda: (Framer(), Session()), imei_message("356307042441013"), _SEEDS,
                       count, seed)


def main() -> None:
    harness.main(check, _SEEDS, random_run)


if __name__ == "__main__":
    main()
