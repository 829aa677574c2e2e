"""Partitions ahead: made at start and daily; one failed round never stops the schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from twisted.internet.defer import Deferred, fail, succeed
from twisted.internet.task import Clock

from egts_server.app import PartitionKeeper


class FlakyPool:
    """runInteraction fails the first time (database down), then reports what it created."""

    def __init__(self) -> None:
        self.calls: list[tuple[date, int]] = []

    def runInteraction(self, func: Any, today: date, ahead: int) -> Deferred[list[str]]:  # noqa: N802
        self.calls.append((today, ahead))
        if len(self.calls) == 1:
            return fail(ConnectionError("database down"))
        return succeed(["positions_2026_12"])


def test_keeper_runs_at_start_and_daily_even_after_a_failure() -> None:
    """The first round fails; the timer keeps going and the next day's round runs."""
    clock = Clock()
    pool = FlakyPool()
    keeper = PartitionKeeper(pool, 2, clock,  # type: ignore[arg-type]
                             clock=lambda: datetime(2026, 11, 26, tzinfo=UTC))
    keeper.startService()
    assert pool.calls == [(date(2026, 11, 26), 2)]
    clock.advance(86400)
    clock.advance(86400)
    assert len(pool.calls) == 3
    keeper.stopService()
