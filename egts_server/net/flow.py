"""Flow control of a telemetry connection: who may stop it reading, and what waits meanwhile.

Reading stops (``transport.pauseProducing``) for any of these reasons, and resumes when the
last one is gone:

* ``queue``: the writer's queue is full (database slow or down), every connection pauses;
* ``backlog``: this connection has ``max_pending_fixes`` fixes waiting for their commit, so one
  fast sender cannot take the whole queue from the others;
* ``output``: our replies pile up unread in the transport (the peer does not read);
* ``shutdown``: the server is stopping.

A ``Pauser`` is the push producer that one party (the writer, or the transport's
write buffer) pauses and resumes for its own reason. Frames already cut when a pause begins wait
in an ``Inbox`` (at most one read, 64 KiB) and are handled first when reading resumes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from egts_server.codec.errors import FramingError

__all__ = ["Inbox", "Pausable", "Pauser"]

_FRAME, _FRAMING_ERROR = 0, 1


class Pausable(Protocol):
    """The connection as a pauser sees it."""

    def pause(self, reason: str) -> None: ...

    def resume(self, reason: str) -> None: ...


class Pauser:
    """The producer a pauser (the writer, or the transport's write buffer) sees for us."""

    __slots__ = ("_connection", "_reason")

    def __init__(self, connection: Pausable, reason: str) -> None:
        self._connection: Pausable | None = connection
        self._reason = reason

    def detach(self) -> None:
        """Forget the connection (it closed): no reference cycle is left for the collector."""
        self._connection = None

    def pauseProducing(self) -> None:  # noqa: N802
        if self._connection is not None:
            self._connection.pause(self._reason)

    def resumeProducing(self) -> None:  # noqa: N802
        if self._connection is not None:
            self._connection.resume(self._reason)

    def stopProducing(self) -> None:  # noqa: N802
        pass


class Inbox:
    """Frames (and a framing error) cut while reading was paused, in arrival order."""

    __slots__ = ("_items",)

    def __init__(self) -> None:
        self._items: list[tuple[int, Any, float]] = []

    def __bool__(self) -> bool:
        return bool(self._items)

    def hold(self, frames: list[bytes], start: int, arrived: float) -> None:
        """Keep ``frames[start:]`` until reading resumes."""
        self._items.extend((_FRAME, frame, arrived) for frame in frames[start:])

    def hold_framing_error(self, error: FramingError, head: bytes, arrived: float) -> None:
        """Keep the end of a stream that could not be cut, to answer after the frames before."""
        self._items.append((_FRAMING_ERROR, (error, head), arrived))

    def clear(self) -> None:
        """The connection closed: whatever waits is dropped."""
        self._items = []

    def run(self, frame: Callable[[bytes, float], None],
            framing_error: Callable[[FramingError, bytes, float], None],
            go_on: Callable[[], bool]) -> None:
        """Handle what waits, oldest first, while ``go_on()`` (not paused again, not closing)."""
        items = self._items
        done = 0
        while done < len(items) and go_on():
            kind, item, arrived = items[done]
            done += 1
            if kind == _FRAME:
                frame(item, arrived)
            else:
                error, head = item
                framing_error(error, head, arrived)
        if self._items is items:  # (a close replaces it)
            del items[:done]
