"""Coverage-guided fuzzing of the EGTS Framer + Session (atheris; not run in CI).

Each input is fed twice: whole, then byte by byte, to fresh Framer/Session pairs; anything but
a CodecError escaping is a bug, and so is a different outcome between the two feeds (h11's
fuzz/afl-server.py idea). When the compiled hot path is built, the whole input is fed once more
to a pure-Python session, and any difference from the compiled one is a bug too.

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_egts.py -max_total_time=600 var/fuzz/egts

Without atheris, ``python tests/fuzz/fuzz_egts.py --random N`` runs N random mutations of the
conformance corpus' packets through the same check.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from egts_server.codec.egts import Framer, Session, kernels  # noqa: E402
from egts_server.codec.egts.subrecords import CommandData  # noqa: E402
from egts_server.codec.errors import CodecError, FramingError  # noqa: E402
from tests.builders import egts as build  # noqa: E402
from tests.fuzz import harness, streams  # noqa: E402
from tests.fuzz.mutations import mutate  # noqa: E402

NOW = datetime(2024, 1, 15, 7, 0, tzinfo=UTC)
CORPUS = ROOT.parent / "shared" / "vectors" / "egts.json"


def outcome(chunks: list[bytes], implementation: kernels.Kernels | None = None) -> list[object]:
    """What Framer + Session (with this implementation of the hot path, else the active one)
    make of these chunks, in comparable form."""
    framer = Framer(kernels=implementation)
    session = Session(now=lambda: NOW, kernels=implementation)
    for cid in (1, 2):  # PIDs 0 and 1 carry commands: responses to them are deliveries
        session.command_packet(CommandData.com(command_id=cid, source_id=0, code=0, action=0,
                                               charset=0, data=b"GETVER"))
    seen: list[object] = []
    for chunk in chunks:
        try:
            frames = framer.feed(chunk)
        except FramingError as error:
            frames = list(error.frames)
            seen += [_summary(session.handle(f)) for f in frames]
            seen.append(("framing", type(error).__name__, error.pid))
            return seen
        seen += [_summary(session.handle(f)) for f in frames]
    return seen


def _summary(handled: object) -> object:
    h = handled  # a Handled; kept loose so the harness has no typing dependencies
    error = getattr(h, "error", None)
    if error is not None and not isinstance(error, CodecError):
        raise AssertionError(f"non-codec error in Handled: {error!r}")
    return (h.replies, h.positions, h.ack, h.login, h.close,  # type: ignore[attr-defined]
            h.commands, h.confirmed, h.dropped,  # type: ignore[attr-defined]
            [list(p.attributes.items()) for p in h.positions],  # type: ignore[attr-defined]
            None if error is None else (type(error).__name__, str(error)))


check = partial(streams.check_hot_path, outcome, kernels)


def _seeds() -> list[bytes]:
    """The corpora's packets, and a terminal's answers to commands (no corpus has them)."""
    answers = [
        build.record_ack(rpid=0, confirmed=[(0, 0)], sst=4),
        build.record_ack(rpid=1, pr=138),
        build.packet(pid=3, records=[build.record(rn=5, sst=4, subrecords=[build.subrecord(
            51, build.command_data(ct=1, cct=0, cid=1, chs=0, cd=b"\x00\x00\x08\x00\x00OK"))])]),
    ]
    session = harness.hex_frames(ROOT / "tests" / "data" / "egts" / "login_and_fixes.hex")
    if not CORPUS.exists():
        return [*session, *answers]
    shared = [bytes.fromhex(e["hex"]) for e in json.loads(CORPUS.read_text()) if e["hex"]]
    return [*shared, *session, *answers]


_SEEDS = _seeds()


def random_run(count: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    for _ in range(count):
        check(mutate(rng, rng.choice(_SEEDS), _SEEDS))
    print(f"{count} mutated inputs: only CodecError, segmentation-invariant, "  # noqa: T201
          "compiled = pure")


def main() -> None:
    harness.main(check, _SEEDS, random_run)


if __name__ == "__main__":
    main()
