"""Storms: time-to-clear per route and stretch against the norm of its priority class."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dispatch.coverage import CoverageResult, compute_coverage
from dispatch.storms import DEFAULT_NORMS_H, Storm, storm_report
from tests.dispatch.synthetic import T0, Drive, arrays, plough, street

THERE_AND_BACK = [(-60.0, 0.0), (1060.0, 0.0), (1060.0, 3.0), (-60.0, 3.0)]
START = T0 - timedelta(hours=2)


def result(*drives: Drive, now_h: float = 10.0) -> CoverageResult:
    routes = [street(1, ((0.0, 0.0), (1000.0, 0.0)), priority=1, contractor="А"),
              street(2, ((0.0, 500.0), (1000.0, 500.0)), priority=3, contractor="Б")]
    return compute_coverage(routes, arrays(*drives), {7: plough(7)},
                            window=(START, T0 + timedelta(hours=now_h)), now=T0)


def test_default_norms_follow_the_priority_classes() -> None:
    """Class 1 (busiest streets) 4 h, class 2 6 h, class 3 12 h; a storm may override them."""
    assert dict(DEFAULT_NORMS_H) == {1: 4.0, 2: 6.0, 3: 12.0}
    storm = Storm(id=1, name="x", started_at=START, norms_h={2: 5.0})
    assert storm.norms() == {1: 4.0, 2: 5.0, 3: 12.0}


def test_route_cleared_before_its_deadline_is_within_norm() -> None:
    """Ploughed 30 min after the snowfall ended: 0.5 h to clear, within the 4 h norm."""
    storm = Storm(id=1, name="Метель", started_at=START,
                  snowfall_ended_at=T0 - timedelta(minutes=30))
    report = storm_report(storm, result(Drive(7, THERE_AND_BACK)), T0 + timedelta(hours=13))
    first, second = report.routes
    assert first.status == "within_norm" and first.time_to_clear_h is not None
    assert 0.5 <= first.time_to_clear_h <= 0.6
    assert first.deadline == T0 - timedelta(minutes=30) + timedelta(hours=4)
    assert first.stretches[0].status == "within_norm"
    assert second.status == "overdue"  # class 3: due 12 h after the snowfall, 13.5 h passed


def test_route_cleared_after_its_deadline_is_late() -> None:
    """Cleared five hours after the snowfall ended: late against the 4 h norm."""
    storm = Storm(id=1, name="Метель", started_at=T0 - timedelta(hours=8),
                  snowfall_ended_at=T0 - timedelta(hours=5))
    report = storm_report(storm, result(Drive(7, THERE_AND_BACK)), T0 + timedelta(hours=1))
    assert report.routes[0].status == "late"
    assert report.routes[0].time_to_clear_h == pytest.approx(5.05, abs=0.05)


def test_without_a_declared_snowfall_end_the_clock_has_not_started() -> None:
    """No snowfall end: uncleared routes are pending, never overdue."""
    storm = Storm(id=1, name="Метель", started_at=START)
    report = storm_report(storm, result(), T0 + timedelta(days=3))
    assert {r.status for r in report.routes} == {"pending"}
    assert report.routes[0].deadline is None


def test_contractor_scorecards() -> None:
    """Each contractor gets its routes, lengths, statuses and time-to-clear statistics."""
    storm = Storm(id=1, name="Метель", started_at=START, snowfall_ended_at=T0)
    report = storm_report(storm, result(Drive(7, THERE_AND_BACK)), T0 + timedelta(hours=2))
    cards = {c.contractor: c for c in report.contractors}
    assert cards["А"].within_norm == 1 and cards["А"].within_norm_pct == 100.0
    assert cards["А"].median_time_to_clear_h is not None
    assert cards["Б"].pending == 1 and cards["Б"].within_norm_pct is None


def test_snowfall_cannot_end_before_the_storm_starts() -> None:
    """A snowfall end before the start is refused."""
    with pytest.raises(ValueError):
        Storm(id=None, name="x", started_at=T0, snowfall_ended_at=T0 - timedelta(hours=1))


def test_route_short_only_by_unknown_stretches_is_unknown_not_overdue() -> None:
    """A route whose shortfall is a data gap is 'unknown' past its deadline, never 'overdue'."""
    gap = Drive(7, [(-60.0, 0.0), (1060.0, 0.0), (1060.0, 3.0), (-60.0, 3.0)],
                drop=lambda d: 1300.0 <= d <= 1700.0)
    storm = Storm(id=1, name="Метель", started_at=START, snowfall_ended_at=T0)
    report = storm_report(storm, result(gap), T0 + timedelta(hours=20))
    first = report.routes[0]
    assert first.coverage.state_m["unknown"] > 300 and first.status == "unknown"
    assert {s.status for s in first.stretches if s.state == "unknown"} == {"unknown"}
    assert report.contractors[0].unknown == 1
