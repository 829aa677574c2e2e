"""The storm clock on constructed storms: states, time left, the order, crews observed."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from dispatch.coverage import CoverageResult, compute_coverage
from dispatch.crews import observe_crews
from dispatch.projection import projection_for
from dispatch.storm_alerts import storm_alerts
from dispatch.storm_clock import StormClock, storm_clock
from dispatch.storms import Storm
from tests.dispatch.synthetic import T0, Drive, arrays, plough, street

EAST_ONLY = [(-60.0, 0.0), (1060.0, 0.0)]
THERE_AND_BACK = [(-60.0, 0.0), (1060.0, 0.0), (1060.0, 3.0), (-60.0, 3.0)]
START = T0 - timedelta(hours=2)
SNOWFALL_END = T0 - timedelta(hours=1)
NOW = T0 + timedelta(minutes=10)


def clock_of(drive: Drive, now: timedelta = timedelta(minutes=10),
             norms_h: dict[int, float] | None = None,
             snowfall_end: bool = True) -> StormClock:
    """Street 1 (class 1) worked by plough 7 as ``drive`` says; street 2 (class 3) by no one."""
    routes = [street(1, ((0.0, 0.0), (1000.0, 0.0)), priority=1, contractor="А"),
              street(2, ((0.0, 500.0), (1000.0, 500.0)), priority=3, contractor="Б")]
    fixes = arrays(drive)
    vehicles = {7: plough(7)}
    at = T0 + now
    result: CoverageResult = compute_coverage(routes, fixes, vehicles, window=(START, at),
                                              now=at)
    storm = Storm(id=3, name="Метель", started_at=START,
                  snowfall_ended_at=SNOWFALL_END if snowfall_end else None,
                  norms_h=norms_h or {})
    return storm_clock(storm, result, observe_crews(fixes, vehicles, at.timestamp()), at,
                       projection_for())


def test_a_half_worked_stretch_is_on_track_and_an_unworked_route_at_risk() -> None:
    """Ploughed east only by 7 (25 km/h), whose last fix is 51 m past the street's end: street 1
    still lacks the way back, expected in 51 m at 30 km/h + 1000 m at 25 km/h = 150 s, well
    within its 4 h norm, so it comes first. Street 2 has no crew: at risk."""
    clock = clock_of(Drive(7, EAST_ONLY))
    second, first = clock.stretches
    assert (second.route_id, second.state, second.coverage_state) == (1, "on_track", "partial")
    assert second.deadline == SNOWFALL_END + timedelta(hours=4)
    assert second.time_left_s == (SNOWFALL_END + timedelta(hours=4) - NOW).total_seconds()
    assert second.crew == (7,) and second.finishing_vehicle == 7
    assert second.expected_at is not None
    assert (second.expected_at - NOW).total_seconds() == pytest.approx(
        144.0 + 51.1 / (30 / 3.6), abs=0.5)
    assert not second.forecast_breach
    assert (first.route_id, first.state, first.crew, first.expected_at) == (2, "at_risk", (),
                                                                            None)
    assert first.forecast_breach and first.time_left_s == pytest.approx(11 * 3600 - 600)
    assert clock.counts() == {"breached": 0, "at_risk": 1, "on_track": 1, "waiting": 0,
                              "cleared_late": 0, "cleared_in_time": 0}


def test_the_forecast_warns_before_the_norm_passes() -> None:
    """A 1.2 h norm leaves 2 min at now; the way back needs 150 s: at risk, a breach foreseen."""
    clock = clock_of(Drive(7, EAST_ONLY), norms_h={1: 1.2})
    street_1 = next(s for s in clock.stretches if s.route_id == 1)
    assert street_1.state == "at_risk" and street_1.forecast_breach
    assert street_1.time_left_s == pytest.approx(120.0)
    assert [s.route_id for s in clock.forecast_breaches()] == [1, 2]


def test_past_the_deadline_an_uncleared_stretch_is_breached_and_comes_first() -> None:
    """A 0.5 h norm ran out 40 min before now: breached, time left -2400 s, first in the table."""
    clock = clock_of(Drive(7, EAST_ONLY), norms_h={1: 0.5})
    first = clock.stretches[0]
    assert (first.route_id, first.state, first.time_left_s) == (1, "breached", -2400.0)
    assert first.forecast_breach  # expected after the deadline: it is late whatever happens


def test_cleared_stretches_keep_their_margin_and_sink_to_the_bottom() -> None:
    """Ploughed both ways within minutes: cleared in time with about 2 h 55 min to spare; a
    0.9 h norm (deadline 6 min before the drive started) makes it cleared late."""
    in_time = clock_of(Drive(7, THERE_AND_BACK))
    served = in_time.stretches[-1]
    assert (served.route_id, served.state) == (1, "cleared_in_time")
    assert served.cleared_at is not None and served.expected_at is None
    assert served.time_left_s == pytest.approx(
        (served.deadline - served.cleared_at).total_seconds(), abs=0.1)
    late = clock_of(Drive(7, THERE_AND_BACK), norms_h={1: 0.9})
    assert late.stretches[-1].state == "cleared_late"
    assert late.stretches[-1].time_left_s is not None and late.stretches[-1].time_left_s < 0


def test_before_the_snowfall_ends_the_clock_waits() -> None:
    """No snowfall end: nothing is at risk or breached, there is no time left to count."""
    clock = clock_of(Drive(7, EAST_ONLY), snowfall_end=False)
    assert {s.state for s in clock.stretches} == {"waiting"}
    assert {s.time_left_s for s in clock.stretches} == {None}


def test_alerts_name_the_route_its_stretches_the_deadline_and_the_expected_time() -> None:
    """One alert per route and kind: at-risk stretches a foreseen breach in local time,
    breached ones a missed norm; the key names storm, route and kind."""
    zone = ZoneInfo("Asia/Vladivostok")
    alerts = storm_alerts(clock_of(Drive(7, EAST_ONLY), norms_h={1: 1.2}), zone)
    assert [(a.kind, a.key, a.stretches, a.text) for a in alerts] == [
        ("breach_forecast", "storm:3:route:1:breach_forecast", ((0.0, pytest.approx(1000.0)),),
         "street 1: 1 участок, 1,0 км: ожидается к 14.01.2026 12:12 (+10:00), "
         "срок 14.01.2026 12:12 (+10:00)"),
        ("breach_forecast", "storm:3:route:2:breach_forecast", ((0.0, pytest.approx(1000.0)),),
         "street 2: 1 участок, 1,0 км: маршрут никто не убирает, срок 14.01.2026 23:00 (+10:00)")]
    assert alerts[0].expected_at is not None and alerts[1].expected_at is None
    breached = storm_alerts(clock_of(Drive(7, EAST_ONLY), norms_h={1: 0.5}), zone)[0]
    assert (breached.kind, breached.text) == (
        "norm_breached", "street 1: 1 участок, 1,0 км: норматив 0,5 ч нарушен, срок был "
                         "14.01.2026 11:30 (+10:00)")
    assert (breached.route_id, breached.raised_at, breached.length_m) == (1, NOW, 1000.0)
