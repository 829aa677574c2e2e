"""Coverage-guided fuzzing of the Wialon IPS Framer + Session (atheris; not CI).

Each input is fed twice, whole and byte by byte, to fresh Framer/Session pairs that first saw a
2.0 login; anything but a CodecError in ``Handled.error`` or any exception escaping is a bug,
and so is a different outcome between the two feeds.

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_wialon.py -max_total_time=600

Without atheris, ``python tests/fuzz/fuzz_wialon.py --random N`` runs N random mutations of
the corpus' packets through the same check.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from egts_server.codec.errors import CodecError  # noqa: E402
from egts_server.codec.wialon import Framer, Session, TrackerClient  # noqa: E402
from tests.fuzz.mutations import mutate  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "wialon" / "corpus.json"
_NOW = datetime(2026, 1, 1, tzinfo=UTC)
_LOGIN = TrackerClient("77").login()


def outcome(chunks: list[bytes]) -> list[object]:
    """What Framer + Session make of these chunks, in comparable form."""
    framer, session = Framer(), Session(now=lambda: _NOW)
    seen: list[object] = []
    for chunk in [_LOGIN, *chunks]:
        for packet in framer.feed(chunk):
            h = session.handle(packet)
            if h.error is not None and not isinstance(h.error, CodecError):
                raise AssertionError(f"non-codec error in Handled: {h.error!r}")
            if h.login is not None:
                seen.append(session.login_result(h.login, True))
            seen.append((h.positions, h.ack, h.close, h.dropped,
                         None if h.error is None else type(h.error).__name__))
    seen.append(framer.buffered)
    return seen


def check(data: bytes) -> None:
    whole = outcome([data])
    bytewise = outcome([data[i : i + 1] for i in range(len(data))])
    if whole != bytewise:
        raise AssertionError(f"segmentation changed the outcome for {data!r}")


_SEEDS = [e["packet"].encode() + b"\r\n"
          for e in json.loads(CORPUS.read_text(encoding="utf-8"))]


def random_run(count: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    for _ in range(count):
        check(mutate(rng, rng.choice(_SEEDS), _SEEDS))
    print(f"{count} mutated inputs: only CodecError, segmentation-invariant")


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "--random":
        random_run(int(sys.argv[2]))
        return
    import atheris

    atheris.instrument_all()
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
