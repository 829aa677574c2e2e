"""Coverage-guided fuzzing of the Wialon IPS Framer + Session (atheris; not CI).

Each input is fed whole and byte by byte after a 2.0 login (``streams.check``).

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_wialon.py -max_total_time=600

Without atheris, ``python tests/fuzz/fuzz_wialon.py --random N`` runs N random mutations of
the corpus' packets through the same check.
"""

from __future__ import annotations

import functools
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from egts_server.codec.wialon import Framer, Session, TrackerClient  # noqa: E402
from tests.fuzz import harness, streams  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "wialon" / "corpus.json"
_SEEDS = [e["packet"].encode() + b"\r\n"
          for e in json.loads(CORPUS.read_text(encoding="utf-8"))]
_LOGIN = TrackerClient("77").login()
_NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _pair() -> tuple[Framer, Session]:
    return Framer(), Session(now=lambda: _NOW)


check = functools.partial(streams.check, _pair, _LOGIN)


def random_run(count: int, seed: int = 0) -> None:
    streams.random_run(_pair, _LOGIN, _SEEDS, count, seed)


def main() -> None:
    harness.main(check, _SEEDS, random_run)


if __name__ == "__main__":
    main()
