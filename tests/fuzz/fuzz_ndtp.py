"""Coverage-guided fuzzing of the NDTP Framer + Session and the NIS SOAP parser (atheris; not CI).

NDTP: each input is fed twice, whole and byte by byte, to fresh Framer/Session pairs; anything
but a CodecError escaping is a bug, and so is a different outcome between the two feeds (h11's
fuzz/afl-server.py idea). A CONN_REQUEST is always accepted, so NAVDATA paths are reached.
NIS (``--nis``): any body either parses or raises a CodecError.

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_ndtp.py -max_total_time=600 -rss_limit_mb=2048
    .venv/bin/python tests/fuzz/fuzz_ndtp.py --nis -max_total_time=600

Without atheris, ``python tests/fuzz/fuzz_ndtp.py --random N`` runs N random mutations of the
corpus' frames through the same check.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from egts_server.codec.errors import CodecError  # noqa: E402
from egts_server.codec.ndtp import Framer, NphResult, Session, kernels  # noqa: E402
from egts_server.codec.nis_soap import parse_request  # noqa: E402
from tests.fuzz.mutations import mutate  # noqa: E402

CORPUS = ROOT.parent / "shared" / "vectors" / "nis.json"


def outcome(chunks: list[bytes], implementation: kernels.Kernels | None = None) -> list[object]:
    """What Framer + Session (with this implementation of the hot path, else the active one)
    make of these chunks, in comparable form."""
    framer, session = Framer(), Session(kernels=implementation)
    seen: list[object] = []
    for chunk in chunks:
        for frame in framer.feed(chunk):
            h = session.handle(frame)
            if h.error is not None and not isinstance(h.error, CodecError):
                raise AssertionError(f"non-codec error in Handled: {h.error!r}")
            if h.login is not None:
                seen.append(session.login_result(h.login, NphResult.OK))
            seen.append((h.replies, h.positions, h.ack, h.close, h.situation,
                         [list(p.attributes.items()) for p in h.positions],
                         None if h.error is None else (type(h.error).__name__, str(h.error))))
    seen.append((framer.skipped, framer.buffered, framer.false_signatures))
    return seen


def check(data: bytes) -> None:
    whole = outcome([data])
    bytewise = outcome([data[i : i + 1] for i in range(len(data))])
    if whole != bytewise:
        raise AssertionError(f"segmentation changed the outcome for {data.hex()}")
    if kernels.COMPILED is not None and (
            outcome([data], kernels.COMPILED) != outcome([data], kernels.PURE)):
        raise AssertionError(f"compiled and pure-Python sessions differ on {data.hex()}")


def check_nis(data: bytes) -> None:
    try:
        parse_request(data)
    except CodecError:
        pass


def _seeds() -> list[bytes]:
    if not CORPUS.exists():
        return [bytes.fromhex("7e7e0e00020001ab020000000000000000000000000000000000000000")]
    return [bytes.fromhex(e["hex"]) for e in json.loads(CORPUS.read_text()) if e["hex"]]


_SEEDS = _seeds()


def random_run(count: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    for _ in range(count):
        check(mutate(rng, rng.choice(_SEEDS), _SEEDS))
    print(f"{count} mutated inputs: only CodecError, segmentation-invariant, compiled = pure")


def write_seed_corpus(directory: Path) -> None:
    """The corpus' frames as atheris seed files (one per entry)."""
    directory.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate(_SEEDS):
        (directory / f"seed{i:02d}").write_bytes(seed)


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "--random":
        random_run(int(sys.argv[2]))
        return
    target = check
    if "--nis" in sys.argv:
        sys.argv.remove("--nis")
        target = check_nis
    import atheris

    atheris.instrument_all()  # coverage feedback from the (already imported) pure-Python codec
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
