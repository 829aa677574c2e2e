"""A hand-driven database for the batching writer: fixes, a store the test answers, producers."""

from __future__ import annotations

from datetime import UTC, datetime

from twisted.internet.defer import Deferred

from db.positions import FixRow
from egts_server.model import DeviceKey, Position

T0 = datetime(2026, 1, 15, 8, 0, tzinfo=UTC)


def row(n: int, protocol: str = "egts") -> FixRow:
    """A distinct fix (its latitude carries ``n``)."""
    p = Position(device=DeviceKey(protocol, "1"), fix_time=T0, latitude=50.5 + n * 1e-4,
                 longitude=137.0, valid=True, speed_kmh=10.0, course_deg=90.0)
    return FixRow(1, 1, T0, p)


class ManualStore:
    """Each store call returns a Deferred the test fires by hand."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[FixRow], Deferred[int]]] = []

    def __call__(self, rows: list[FixRow]) -> Deferred[int]:
        d: Deferred[int] = Deferred()
        self.calls.append((rows, d))
        return d

    def sizes(self) -> list[int]:
        """How many fixes each transaction carried, in the order they started."""
        return [len(rows) for rows, _ in self.calls]

    def open(self) -> list[tuple[list[FixRow], Deferred[int]]]:
        """The transactions still waiting for the database's answer."""
        return [(rows, d) for rows, d in self.calls if not d.called]

    def commit_all(self) -> None:
        """Commit every open transaction, and those the commits start, until none is left."""
        while any(not d.called for _, d in self.calls):
            for rows, d in list(self.calls):
                if not d.called:
                    d.callback(len(rows))


class Producer:
    """A connection's reader: remembers whether it is paused and every call it got."""

    def __init__(self) -> None:
        self.paused = False
        self.calls: list[str] = []

    def pauseProducing(self) -> None:  # noqa: N802
        self.paused = True
        self.calls.append("pause")

    def resumeProducing(self) -> None:  # noqa: N802
        self.paused = False
        self.calls.append("resume")

    def stopProducing(self) -> None:  # noqa: N802
        self.calls.append("stop")
