"""Coverage-guided fuzzing of the Galileosky Framer + Session (atheris; not CI).

Each input is fed whole and byte by byte after a head packet (``streams.check``).

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_galileosky.py -max_total_time=600

Without atheris, ``python tests/fuzz/fuzz_galileosky.py --random N`` runs N random mutations
of the corpus' packets through the same check.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from egts_server.codec.galileosky import Framer, Session, build_packet  # noqa: E402
from tests.fuzz import harness, streams  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "galileosky" / "corpus.json"
_SEEDS = [bytes.fromhex(e["hex"]) for e in json.loads(CORPUS.read_text(encoding="utf-8"))]
_HEAD = build_packet([{0x03: b"868204001269934"}])
check = functools.partial(streams.check, lambda: (Framer(), Session()), _HEAD)


def random_run(count: int, seed: int = 0) -> None:
    streams.random_run(lambda: (Framer(), Session()), _HEAD, _SEEDS, count, seed)


def main() -> None:
    harness.main(check, _SEEDS, random_run)


if __name__ == "__main__":
    main()
