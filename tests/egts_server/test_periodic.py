"""PeriodicService: one call at start, one per interval on the given clock, none after stop."""

from __future__ import annotations

import pytest
from twisted.internet.task import Clock

from egts_server.periodic import PeriodicService


class Recorder(PeriodicService):
    """Notes the clock's time at every call."""

    def __init__(self, interval_s: float, clock: Clock) -> None:
        super().__init__(interval_s, clock)
        self.clock = clock
        self.calls: list[float] = []

    def run(self) -> object:
        self.calls.append(self.clock.seconds())
        return None


def test_runs_at_start_and_then_every_interval_on_the_given_clock() -> None:
    clock = Clock()
    clock.advance(100)
    service = Recorder(30, clock)
    assert service.calls == [] and not service.running  # nothing before start
    service.startService()
    assert service.running and service.calls == [100]
    clock.advance(29)
    assert service.calls == [100]
    clock.advance(1)
    clock.advance(30)
    assert service.calls == [100, 130, 160]


def test_stop_ends_the_calls_and_fires_at_once() -> None:
    clock = Clock()
    service = Recorder(10, clock)
    service.startService()
    stopped: list[None] = []
    service.stopService().addCallback(stopped.append)
    assert stopped == [None] and not service.running
    clock.advance(60)
    assert service.calls == [0] and clock.getDelayedCalls() == []


def test_the_base_class_has_no_job_of_its_own() -> None:
    with pytest.raises(NotImplementedError):
        PeriodicService(1, Clock()).run()
