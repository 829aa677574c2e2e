"""What the tracker codecs' corpus tests share: a corpus from tests/data, the one frame an entry's
bytes hold (or the framing error it expects instead) and what a session makes of it, an entry's
answer and error class, and every listed field of a fix as the corpus writes it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import pytest

from egts_server.codec.errors import FramingError
from egts_server.codec.handled import Handled
from egts_server.model import Position

DATA = Path(__file__).parents[2] / "data"


class Framer(Protocol):
    def feed(self, data: bytes) -> list[bytes]: ...


class Session(Protocol):
    def handle(self, frame: bytes) -> Handled[Any]: ...


def load_corpus(protocol: str, name: str = "corpus.json") -> list[dict[str, Any]]:
    """tests/data/<protocol>/<name>."""
    entries: list[dict[str, Any]] = json.loads((DATA / protocol / name).read_text(
        encoding="utf-8"))
    return entries


def entry_frame(framer: Framer, entry: Mapping[str, Any]) -> bytes | FramingError:
    """The one frame ``entry["hex"]`` holds, or the ``FramingError`` that ends the stream where
    the entry names one (its class checked here)."""
    data = bytes.fromhex(entry["hex"])
    if "framing_error" in entry:
        with pytest.raises(FramingError) as caught:
            framer.feed(data)
        assert type(caught.value).__name__ == entry["framing_error"]
        return caught.value
    (frame,) = framer.feed(data)
    return frame


def entry_handled(framer: Framer, session: Session,
                  entry: Mapping[str, Any]) -> Handled[Any] | None:
    """What ``session`` makes of the entry's one frame, its answer and error class checked; None
    where the stream ends in the framing error the entry names."""
    frame = entry_frame(framer, entry)
    if isinstance(frame, FramingError):
        return None
    handled = session.handle(frame)
    assert_answer(handled, entry)
    return handled


def assert_answer(handled: Handled[Any], expected: Mapping[str, Any]) -> None:
    """The answer (hex, or None for none) and the error's class name (or None) it lists."""
    assert (None if handled.ack is None else handled.ack.hex()) == expected["ack"]
    assert (None if handled.error is None else type(handled.error).__name__) == (
        expected["error"])


def assert_fix(position: Position, fields: Mapping[str, Any], *, tolerance: float | None = None,
               now: datetime | None = None) -> None:
    """Every field listed: ``device`` as text, ``fix_time`` in ISO form (``SERVER``: ``now``),
    ``attributes`` as a dict, floats within ``tolerance`` where one is given, the rest exact."""
    for name, value in fields.items():
        actual = getattr(position, name)
        if name == "device":
            assert str(actual) == value
        elif name == "fix_time":
            assert actual == (now if now is not None and value == "SERVER"
                              else datetime.fromisoformat(value))
        elif name == "attributes":
            assert dict(actual) == value
        elif tolerance is not None and isinstance(value, float):
            assert actual == pytest.approx(value, abs=tolerance)
        else:
            assert actual == value, name
