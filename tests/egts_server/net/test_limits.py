"""Connection caps, the watchdog's period, the open-file budget and the log throttle."""

from __future__ import annotations

import resource

import pytest

from egts_server.net.limits import (
    FD_RESERVE,
    CloseReason,
    ConnectionCounter,
    IntakeLimits,
    Throttle,
    effective_max_connections,
)


def test_the_watchdog_looks_four_times_per_shortest_timeout() -> None:
    """A deadline is noticed at most a quarter of the shortest timeout late, never busier than
    every 10 ms."""
    assert IntakeLimits().check_interval_s == 7.5  # login and stall: 30 s
    assert IntakeLimits(idle_timeout_s=2.0).check_interval_s == 0.5
    assert IntakeLimits(stall_timeout_s=1.0, login_timeout_s=4.0).check_interval_s == 0.25
    assert IntakeLimits(login_timeout_s=0.001).check_interval_s == 0.01


@pytest.mark.parametrize(("soft", "configured", "expected"), [
    (10_000, 5_000, 5_000),  # the limit holds what is configured
    (1_024, 5_000, 1_024 - FD_RESERVE),  # lowered to what is left after the reserve
    (FD_RESERVE, 5_000, 1),  # never below one
    (resource.RLIM_INFINITY, 5_000, 5_000),
])
def test_connection_cap_fits_the_open_file_limit(monkeypatch: pytest.MonkeyPatch, soft: int,
                                                 configured: int, expected: int) -> None:
    monkeypatch.setattr(resource, "getrlimit", lambda which: (soft, resource.RLIM_INFINITY))
    assert effective_max_connections(configured) == expected


def test_caps_refuse_with_their_reason_and_count_nothing() -> None:
    counter = ConnectionCounter(max_total=3, max_per_address=2)
    assert [counter.acquire("10.0.0.1") for _ in range(3)] == [None, None,
                                                               CloseReason.ADDRESS_CAP]
    assert counter.acquire("10.0.0.2") is None
    assert counter.acquire("10.0.0.3") is CloseReason.TOTAL_CAP
    assert counter.total == 3 and dict(counter.by_address) == {"10.0.0.1": 2, "10.0.0.2": 1}


def test_the_total_cap_is_named_when_both_caps_are_reached() -> None:
    counter = ConnectionCounter(max_total=1, max_per_address=1)
    counter.acquire("10.0.0.1")
    assert counter.acquire("10.0.0.1") is CloseReason.TOTAL_CAP


def test_release_frees_the_place_and_forgets_an_address_with_none_left() -> None:
    counter = ConnectionCounter(max_total=2, max_per_address=2)
    counter.acquire("10.0.0.1")
    counter.acquire("10.0.0.1")
    counter.release("10.0.0.1")
    assert counter.total == 1 and dict(counter.by_address) == {"10.0.0.1": 1}
    counter.release("10.0.0.1")
    assert counter.total == 0 and dict(counter.by_address) == {}
    assert counter.acquire("10.0.0.1") is None


def test_throttle_lets_one_event_per_interval_through_with_the_count_held_back() -> None:
    now = [100.0]
    throttle = Throttle(lambda: now[0], interval_s=1.0)
    assert throttle.allow() == 0
    assert [throttle.allow(), throttle.allow()] == [None, None]
    now[0] = 100.999
    assert throttle.allow() is None
    now[0] = 101.0
    assert throttle.allow() == 3 and throttle.suppressed == 0
    now[0] = 105.0
    assert throttle.allow() == 0


def test_close_reasons_are_distinct_metric_labels() -> None:
    """The values are the ``reason`` label: lower-case, one per reason (no name is an alias)."""
    assert len(CloseReason.__members__) == len(list(CloseReason))
    assert all(reason.value == reason.name.lower() for reason in CloseReason)
