"""A fix's time is judged against its arrival: the limits' edges are exact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from egts_server.fix_clock import ClockFault, ClockLimits

LIMITS = ClockLimits.of(300.0, 2010)
ARRIVAL = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)


def test_a_fix_up_to_the_tolerance_ahead_of_its_arrival_is_plausible() -> None:
    assert LIMITS.fault(ARRIVAL + timedelta(seconds=300), ARRIVAL) is None
    assert LIMITS.fault(ARRIVAL - timedelta(days=30), ARRIVAL) is None


def test_a_fix_further_ahead_is_from_the_future() -> None:
    late = ARRIVAL + timedelta(seconds=300, microseconds=1)
    assert LIMITS.fault(late, ARRIVAL) is ClockFault.FUTURE


def test_a_fix_before_the_earliest_year_is_too_early() -> None:
    assert LIMITS.fault(datetime(2009, 12, 31, 23, 59, 59, tzinfo=UTC), ARRIVAL) \
        is ClockFault.TOO_EARLY
    assert LIMITS.fault(datetime(2010, 1, 1, tzinfo=UTC), ARRIVAL) is None


def test_the_latest_plausible_time_is_the_arrival_plus_the_tolerance() -> None:
    assert LIMITS.latest(ARRIVAL) == ARRIVAL + timedelta(seconds=300)
    assert LIMITS.fault(LIMITS.latest(ARRIVAL), ARRIVAL) is None
