"""The check every TCP codec's fuzz harness makes: fed whole or byte by byte, the same bytes
give the same outcome, and only ``CodecError`` comes out (a ``FramingError`` ends the stream).

``make_pair`` builds a fresh (framer, session); ``prelude`` is fed first (a login), and every
login on the way is accepted. ``StreamTarget`` is a tracker codec's whole fuzz target. EGTS and
NDTP compare richer outcomes of their own, and have a compiled hot path that must agree with the
pure-Python one (``check_hot_path``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from egts_server.codec.errors import CodecError, FramingError
from tests.fuzz import harness
from tests.fuzz.mutations import mutate

DATA = Path(__file__).resolve().parents[1] / "data"

Pair = Callable[[], tuple[Any, Any]]
Outcome = Callable[[list[bytes]], list[object]]


class HotPathOutcome(Protocol):
    """What a codec's framer + session make of ``chunks``, with this implementation of the hot
    path (``kernels.COMPILED`` or ``kernels.PURE``), else the active one."""

    def __call__(self, chunks: list[bytes], implementation: Any = None) -> list[object]: ...


def outcome(make_pair: Pair, prelude: bytes, chunks: list[bytes]) -> list[object]:
    """What a fresh framer + session make of ``prelude`` and then ``chunks``, comparably."""
    framer, session = make_pair()
    seen: list[object] = []
    for chunk in [prelude, *chunks]:
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
            seen.append((h.positions, h.ack, h.close, getattr(h, "response", None),
                         None if h.error is None else type(h.error).__name__))
        if ended is not None:
            seen.append(type(ended).__name__)
            break  # the stream cannot be cut any more
    seen.append(framer.buffered)
    return seen


def same_cut_any_way(outcome: Outcome, data: bytes) -> None:
    """Fed whole or byte by byte, ``data`` makes the same outcome."""
    if outcome([data]) != outcome([data[i : i + 1] for i in range(len(data))]):
        raise AssertionError(f"segmentation changed the outcome for {data.hex()}")


def check(make_pair: Pair, prelude: bytes, data: bytes) -> None:
    same_cut_any_way(partial(outcome, make_pair, prelude), data)


def check_hot_path(outcome: HotPathOutcome, kernels: ModuleType, data: bytes) -> None:
    """Segmentation-invariant, and, when ``kernels`` has its compiled hot path built, the
    compiled and the pure-Python session make the same of ``data``."""
    same_cut_any_way(outcome, data)
    if kernels.COMPILED is not None and (
            outcome([data], kernels.COMPILED) != outcome([data], kernels.PURE)):
        raise AssertionError(f"compiled and pure-Python sessions differ on {data.hex()}")


def random_run(make_pair: Pair, prelude: bytes, seeds: Sequence[bytes], count: int,
               seed: int = 0) -> None:
    rng = random.Random(seed)
    for _ in range(count):
        check(make_pair, prelude, mutate(rng, rng.choice(seeds), seeds))
    print(f"{count} mutated inputs: only CodecError, segmentation-invariant")


def corpus_entries(name: str, file: str = "corpus.json") -> list[dict[str, Any]]:
    """The entries of tests/data/<name>/<file>."""
    entries: list[dict[str, Any]] = json.loads((DATA / name / file).read_text(encoding="utf-8"))
    return entries


@dataclass(frozen=True)
class StreamTarget:
    """A TCP codec's fuzz target: its fresh (framer, session), what it is fed first, and the
    seeds its mutations start from."""

    make_pair: Pair
    prelude: bytes
    seeds: Sequence[bytes]

    def check(self, data: bytes) -> None:
        check(self.make_pair, self.prelude, data)

    def random_run(self, count: int, seed: int = 0) -> None:
        random_run(self.make_pair, self.prelude, self.seeds, count, seed)

    def main(self) -> None:
        harness.main(self.check, self.seeds, self.random_run)
