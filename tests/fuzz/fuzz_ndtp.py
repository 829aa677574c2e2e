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
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from egts_server.codec.errors import CodecError  # noqa: E402
from egts_server.codec.ndtp import Framer, NphResult, Session, kernels  # noqa: E402
from egts_server.codec.nis_soap import parse_request  # noqa: E402
from tests.fuzz import harness, streams  # noqa: E402
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


check = partial(streams.check_hot_path, outcome, kernels)


def check_nis(data: bytes) -> None:
    try:
        parse_request(data)
    except CodecError:
        pass


#: A PutCoord of one fix with a digital input, as an RNIS platform posts it (the NIS seed).
NIS_SEED = (b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"'
            b' xmlns:ws="http://ws.nis.ru/"><soapenv:Body><ws:PutCoord><ObjectID>A1</ObjectID>'
            b'<Coord time="2026-02-03T07:00:00Z" lon="137" lat="50.5" alt="12" speed="20"'
            b' dir="90" valid="1" /><DigI inpnum="6" /></ws:PutCoord></soapenv:Body>'
            b"</soapenv:Envelope>")


def random_run_nis(count: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    for _ in range(count):
        check_nis(mutate(rng, NIS_SEED, [NIS_SEED]))
    print(f"{count} mutated NIS bodies: only CodecError")


def _seeds() -> list[bytes]:
    """The plough session's frames, and the shared vectors' when they are there."""
    session = harness.hex_frames(ROOT / "tests" / "data" / "ndtp" / "plough_session.hex")
    if not CORPUS.exists():
        return session
    return [bytes.fromhex(e["hex"]) for e in json.loads(CORPUS.read_text()) if e["hex"]] + session


_SEEDS = _seeds()


def random_run(count: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    for _ in range(count):
        check(mutate(rng, rng.choice(_SEEDS), _SEEDS))
    print(f"{count} mutated inputs: only CodecError, segmentation-invariant, compiled = pure")


def main() -> None:
    if "--nis" in sys.argv:
        sys.argv.remove("--nis")
        harness.main(check_nis, [NIS_SEED], random_run_nis)
    else:
        harness.main(check, _SEEDS, random_run)


if __name__ == "__main__":
    main()
