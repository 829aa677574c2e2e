"""Answers in arrival order: a packet's acknowledgement waits for its own commit and for every
packet that arrived before it.

Pure bookkeeping without I/O: the connection says what delivering an answer means (write the
ack, run what follows it, or close after a failure), so the ordering and the backlog rule are
tested without Twisted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from twisted.python.failure import Failure

__all__ = ["AckQueue", "Due"]


@dataclass(slots=True, eq=False)
class Due:
    """One packet's answer: written when its fixes committed and everything before it is out."""

    ack: bytes | None
    arrived: float
    fixes: int
    ready: bool = False
    then: Callable[[], None] | None = None  # runs right after the ack (login result, close)
    failure: Failure | None = None  # its commit or login failed: nothing more is answered
    timed: bool = True  # counts in the ack latency histogram (logins wait for the registry)


class AckQueue:
    """One connection's answers, oldest first, and how many fixes they still wait for.

    ``deliver`` receives each answer once it is ready and its turn has come. ``over_limit`` runs
    when the fixes waiting reach ``max_pending_fixes`` (the connection stops reading, so one fast
    sender cannot take the whole write queue), ``drained`` after answers went out with at most
    half of that left (it may read again).
    """

    __slots__ = ("_deliver", "_drained", "_max_pending", "_over_limit", "_queue", "pending_fixes")

    def __init__(self, max_pending_fixes: int, deliver: Callable[[Due], None],
                 over_limit: Callable[[], None], drained: Callable[[], None]) -> None:
        self._queue: list[Due] = []
        self._max_pending = max_pending_fixes
        self._deliver = deliver
        self._over_limit = over_limit
        self._drained = drained
        self.pending_fixes = 0

    def __len__(self) -> int:
        return len(self._queue)

    def push(self, due: Due) -> None:
        """Queue a packet's answer behind the others (answered at once when ready and first)."""
        self._queue.append(due)
        if due.fixes:
            self.pending_fixes += due.fixes
            if self.pending_fixes >= self._max_pending:
                self._over_limit()
        if due.ready and len(self._queue) == 1:
            self._answer()

    def settle(self, due: Due, failure: Failure | None = None) -> None:
        """The packet's fixes committed (or ``failure``): answer it, and what waited behind it."""
        if failure is not None:
            due.failure = failure
        due.ready = True
        if self._queue and self._queue[0] is due:
            self._answer()

    def clear(self) -> None:
        """The connection closed: late commits find nothing to answer."""
        self._queue.clear()

    def _answer(self) -> None:
        queue = self._queue
        while queue and queue[0].ready:
            due = queue.pop(0)
            if due.fixes:
                self.pending_fixes -= due.fixes
            self._deliver(due)
        if self.pending_fixes <= self._max_pending // 2:
            self._drained()
