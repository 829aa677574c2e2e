"""Coverage-guided fuzzing of the Wialon Retranslator Framer + Session (atheris; not CI).

Each input is fed whole and byte by byte (``streams.check``).

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_wialonretr.py -max_total_time=600

Without atheris, ``python tests/fuzz/fuzz_wialonretr.py --random N`` runs N random mutations
of the corpus' packets through the same check.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from egts_server.codec.wialonretr import Framer, Session  # noqa: E402
from tests.fuzz import harness, streams  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "wialonretr" / "corpus.json"
_SEEDS = [bytes.fromhex(e["hex"]) for e in json.loads(CORPUS.read_text(encoding="utf-8"))]
check = functools.partial(streams.check, lambda: (Framer(), Session()), b"")


def random_run(count: int, seed: int = 0) -> None:
    streams.random_run(lambda: (Framer(), Session()), b"", _SEEDS, count, seed)


def main() -> None:
    harness.main(check, _SEEDS, random_run)


if __name__ == "__main__":
    main()
