"""Coverage-guided fuzzing of the Teltonika Framer + Session (atheris; not CI).

Each input is fed twice, whole and byte by byte, to fresh Framer/Session pairs after an IMEI
handshake; only ``CodecError`` may escape (a ``FramingError`` ends the stream), and the two
feeds must agree.

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_teltonika.py -max_total_time=600

Without atheris, ``python tests/fuzz/fuzz_teltonika.py --random N`` runs N random mutations of
the corpus' packets through the same check.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from egts_server.codec.errors import CodecError, FramingError  # noqa: E402
from egts_server.codec.teltonika import Framer, Session, imei_message  # noqa: E402
from tests.fuzz.mutations import mutate  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "teltonika" / "corpus.json"
_IMEI = imei_message("356307042441013")


def outcome(chunks: list[bytes]) -> list[object]:
    framer, session = Framer(), Session()
    seen: list[object] = []
    for chunk in [_IMEI, *chunks]:
        ended: FramingError | None = None
        try:
            frames = framer.feed(chunk)
        except FramingError as error:
            frames, ended = list(error.frames), error
        for frame in frames:
            h = session.handle(frame)
            if h.error is not None and not isinstance(h.error, CodecError):
                raise AssertionError(f"non-codec error in Handled: {h.error!r}")
            if h.login is not None:
                seen.append(session.login_result(h.login, True))
            seen.append((h.positions, h.ack, h.close,
                         None if h.error is None else type(h.error).__name__))
        if ended is not None:
            seen.append(type(ended).__name__)
            break  # the stream cannot be cut any more
    return seen


def check(data: bytes) -> None:
    whole = outcome([data])
    bytewise = outcome([data[i : i + 1] for i in range(len(data))])
    if whole != bytewise:
        raise AssertionError(f"segmentation changed the outcome for {data.hex()}")


_SEEDS = [bytes.fromhex(e["hex"]) for e in json.loads(CORPUS.read_text(encoding="utf-8"))
          if "login" not in e]


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
