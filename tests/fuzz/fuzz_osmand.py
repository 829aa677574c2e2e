"""Coverage-guided fuzzing of the OsmAnd report parsers (atheris; not CI).

Any bytes, read as a JSON body and as a query string, either give a report (and a fix, if it
has coordinates) or raise ``ReportFieldError``; anything else escaping is a bug.

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_osmand.py -max_total_time=600

Without atheris, ``python tests/fuzz/fuzz_osmand.py --random N`` runs N random mutations of
the corpus' requests through the same check.
"""

from __future__ import annotations

import json
import random
import sys
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from egts_server.codec.osmand import (  # noqa: E402
    ReportFieldError,
    parse_json,
    parse_query,
    report_position,
)
from tests.fuzz import harness  # noqa: E402
from tests.fuzz.mutations import mutate  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "osmand" / "corpus.json"
_NOW = datetime(2026, 1, 1, tzinfo=UTC)


def check(data: bytes) -> None:
    try:
        report_position(parse_json(data), _NOW)
    except ReportFieldError:
        pass
    fields = {k: v[0] for k, v in urllib.parse.parse_qs(data.decode("utf-8", "replace")).items()}
    try:
        report_position(parse_query(fields), _NOW)
    except ReportFieldError:
        pass


_SEEDS = [e["request"].encode() for e in json.loads(CORPUS.read_text(encoding="utf-8"))]


def random_run(count: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    for _ in range(count):
        check(mutate(rng, rng.choice(_SEEDS), _SEEDS))
    print(f"{count} mutated inputs: only ReportFieldError")


def main() -> None:
    harness.main(check, _SEEDS, random_run)


if __name__ == "__main__":
    main()
