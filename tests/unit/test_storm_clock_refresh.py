"""The storm gauges' clock is recomputed at start and every minute; a failed round (the
database down) never stops the schedule."""

from __future__ import annotations

from twisted.internet.defer import Deferred, fail, succeed
from twisted.internet.task import Clock

from egts_server.app import StormClockRefresh
from maps.storm_room import StormGauges


def test_the_clock_is_refreshed_every_minute_even_after_a_failure() -> None:
    clock = Clock()
    gauges = StormGauges()
    rounds: list[float] = []

    def refresh() -> Deferred[None]:
        rounds.append(clock.seconds())
        return fail(ConnectionError("database down")) if len(rounds) == 1 else succeed(None)

    gauges.refresh = refresh
    service = StormClockRefresh(gauges, clock)
    service.startService()
    clock.advance(60)
    clock.advance(60)
    assert rounds == [0.0, 60.0, 120.0]
    service.stopService()


def test_without_a_storm_room_nothing_is_refreshed() -> None:
    """Gauges no site has wired (an intake-only process) are left alone."""
    assert StormClockRefresh(StormGauges(), Clock()).run() is None
