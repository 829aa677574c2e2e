"""Coverage-guided fuzzing of the NavTelecom Framer + Session (atheris; not CI).

Each input is fed whole and byte by byte after a handshake and a FLEX negotiation
(``streams.check``), so FLEX data paths are reached.

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_navtelecom.py -max_total_time=600

Without atheris, ``python tests/fuzz/fuzz_navtelecom.py --random N`` runs N random mutations
of the corpus' frames through the same check.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from egts_server.codec.navtelecom import Framer, Negotiated, Session  # noqa: E402
from tests.fuzz import harness, streams  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "navtelecom" / "corpus.json"
_ENTRIES = json.loads(CORPUS.read_text(encoding="utf-8"))
_SEEDS = [bytes.fromhex(f) for e in _ENTRIES for f in e["frames"]]
_PRELUDE = b"".join(bytes.fromhex(f) for f in _ENTRIES[1]["frames"])  # handshake, FLEX 3.0


def _pair() -> tuple[Any, Any]:
    negotiated = Negotiated()
    return Framer(negotiated), Session(negotiated)


check = functools.partial(streams.check, _pair, _PRELUDE)


def random_run(count: int, seed: int = 0) -> None:
    streams.random_run(_pair, _PRELUDE, _SEEDS, count, seed)


def main() -> None:
    harness.main(check, _SEEDS, random_run)


if __name__ == "__main__":
    main()
