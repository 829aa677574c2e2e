"""Stretches from hand-laid credit: bins merged by verdict, with the passes and gaps behind it.

A 100 m street has five 20 m bins; plough 7 reports four fixes 30 m apart, ten seconds apart
(the last from its black box), and each test lays its passes over them by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from dispatch.bins import bin_table
from dispatch.cleaning import CleanTrack, clean
from dispatch.equipment import VehicleInfo
from dispatch.fixes import FixArrays
from dispatch.parameters import CoverageParams
from dispatch.projection import projection_for
from dispatch.route_geometry import RouteGeometry
from dispatch.stretches import GapEvidence, RunEvidence, Stretch, build_stretches
from dispatch.tracks import TrackFix
from tests.dispatch.synthetic import (
    T0,
    HandEntry,
    HandGap,
    HandRun,
    hand_credit,
    lonlat,
    plough,
    street,
)

AS_DRAWN, AGAINST = 0, 1
T = T0.timestamp()
PROJECTION = projection_for()


def track(vehicles: dict[int, VehicleInfo]) -> CleanTrack:
    fixes = []
    for i in range(4):
        lon, lat = lonlat(30.0 * i, 0.0)
        fixes.append(TrackFix(T0 + timedelta(seconds=10 * i), lat, lon, 20.0, 90.0, True,
                              inputs=1, black_box=i == 3, satellites=12, hdop=0.9))
    return clean(FixArrays.from_track_fixes([7] * 4, fixes), PROJECTION,
                 CoverageParams().cleaning, vehicles)


def stretches(runs: Sequence[HandRun], entries: Sequence[HandEntry],
              spans: Sequence[tuple[int, int]], *, direction: str = "both",
              gap_bins: Sequence[int] = (), gaps: Sequence[HandGap] = (), limit: int = 12,
              vehicles: dict[int, VehicleInfo] | None = None) -> tuple[Stretch, ...]:
    fleet = {7: plough(7)} if vehicles is None else vehicles
    geom = RouteGeometry.build(street(1, ((0.0, 0.0), (100.0, 0.0)), direction=direction),
                               PROJECTION, 20.0)
    credit = hand_credit(runs, entries, 5, gap_bins=gap_bins, fix_spans=spans, gaps=gaps)
    table = bin_table(geom, credit, offline=False)
    return build_stretches(geom, table, credit, track(fleet), fleet, PROJECTION, limit)


def run_evidence(direction: str, start_row: int, *, confirmed: bool = True,
                 sensor: str = "input 1 on", black_box: bool = False) -> RunEvidence:
    """A pass over rows start_row and start_row + 1, as build_stretches should show it."""
    return RunEvidence(vehicle_id=7, direction=direction, confirmed=confirmed, sensor=sensor,
                       m_from=0.0, m_to=100.0, started=T + 10 * start_row,
                       ended=T + 10 * (start_row + 1), fixes=2, black_box=black_box)


def test_bins_with_one_verdict_merge_and_carry_their_times_passes_and_evidence() -> None:
    """There over bins 0-2, back over bins 1-0: served 0-40 m, partial 40-60 m, not served
    60-100 m."""
    served, partial, untouched = stretches(
        [(AS_DRAWN, True), (AGAINST, True)],
        [(0, 0, T + 5), (1, 0, T + 6), (2, 0, T + 7), (1, 1, T + 25), (0, 1, T + 26)],
        [(0, 1), (2, 3)])
    there, back = run_evidence("as_drawn", 0), run_evidence("against", 2, black_box=True)
    assert [(s.index, s.bin_from, s.bin_to, s.state, s.reason) for s in
            (served, partial, untouched)] == [(0, 0, 2, "served", None),
                                              (1, 2, 3, "partial", None),
                                              (2, 3, 5, "not_served", None)]
    assert [(s.m_from, s.m_to) for s in (served, partial, untouched)] == [
        (0.0, pytest.approx(40.0, abs=1e-3)), (pytest.approx(40.0, abs=1e-3),
                                               pytest.approx(60.0, abs=1e-3)),
        (pytest.approx(60.0, abs=1e-3), pytest.approx(100.0, abs=1e-3))]
    assert (served.passes, served.unconfirmed_passes, served.first_service,
            served.last_service, served.cleared_at) == ((1, 1), (0, 0), T + 5, T + 26, T + 26)
    assert (served.vehicles, served.runs_total, served.runs, served.gaps) == (
        (7,), 2, (there, back), ())
    assert (partial.passes, partial.first_service, partial.last_service, partial.cleared_at,
            partial.runs) == ((1, 0), T + 7, T + 7, None, (there,))
    assert (untouched.passes, untouched.first_service, untouched.cleared_at,
            untouched.vehicles, untouched.runs_total, untouched.runs) == (
        (0, 0), None, None, (), 0, ())


def test_stretch_positions_follow_the_route_between_its_ends() -> None:
    served, _, _ = stretches([(AS_DRAWN, True), (AGAINST, True)],
                             [(0, 0, T + 5), (1, 0, T + 6), (2, 0, T + 7), (1, 1, T + 25),
                              (0, 1, T + 26)], [(0, 1), (2, 3)])
    assert len(served.coordinates) == 2
    for (lon, lat), (want_lon, want_lat) in zip(served.coordinates,
                                                [lonlat(0.0, 0.0), lonlat(40.0, 0.0)],
                                                strict=True):
        assert lon == pytest.approx(want_lon, abs=2e-7) and lat == pytest.approx(want_lat,
                                                                                 abs=2e-7)


def test_served_bins_with_different_pass_counts_are_separate_stretches() -> None:
    """One-way street: passed twice over 0-40 m and once over the rest, all of it served."""
    twice, once = stretches([(AS_DRAWN, True), (AS_DRAWN, True)],
                            [*((b, 0, T + b) for b in range(5)), (0, 1, T + 20), (1, 1, T + 21)],
                            [(0, 1), (2, 3)], direction="as_drawn")
    assert [(s.state, s.bin_from, s.bin_to, s.passes, s.runs_total) for s in (twice, once)] == [
        ("served", 0, 2, (2, 0), 2), ("served", 2, 5, (1, 0), 1)]
    assert twice.cleared_at == T + 1 and twice.last_service == T + 21


@pytest.mark.parametrize(("limit", "shown"), [(3, (0, 1, 2)), (2, (0, 2)), (1, (2,)),
                                              (0, ())])
def test_evidence_shows_the_earliest_passes_and_always_the_last(
        limit: int, shown: tuple[int, ...]) -> None:
    """Three passes over every bin, listed by start; past the limit the last one stays."""
    rows = [(0, 1), (1, 2), (2, 3)]
    (only,) = stretches([(AS_DRAWN, True)] * 3,
                        [(b, r, T + 10 * r + b) for r in range(3) for b in range(5)], rows,
                        direction="as_drawn", limit=limit)
    assert only.runs_total == 3
    assert [r.started for r in only.runs] == [T + 10 * rows[r][0] for r in shown]


def test_an_unconfirmed_pass_says_why_and_names_no_vehicle() -> None:
    """A pass whose sensor did not report completes nothing: unknown, no serving vehicle."""
    (only,) = stretches([(AS_DRAWN, False)], [(b, 0, T + b) for b in range(5)], [(0, 1)],
                        direction="as_drawn")
    assert (only.state, only.reason, only.passes, only.unconfirmed_passes, only.vehicles) == (
        "unknown", "unconfirmed", (0, 0), (1, 0), ())
    assert only.runs == (run_evidence("as_drawn", 0, confirmed=False,
                                      sensor="input 1 not reported by some fixes"),)
    assert only.first_service is None and only.gaps == ()


def test_a_vehicle_without_a_sensor_is_shown_as_such() -> None:
    (only,) = stretches([(AS_DRAWN, False)], [(b, 0, T + b) for b in range(5)], [(0, 1)],
                        direction="as_drawn", vehicles={7: plough(7, sensor=False)})
    assert only.runs[0].sensor == "no equipment sensor configured"


def test_an_unknown_stretch_lists_the_silences_over_it() -> None:
    """A silence between rows 1 and 2 (30 m apart, 10 s) reaching 55-100 m hides bins 3-4;
    one reaching only 0-30 m is not listed there."""
    near, hidden = stretches([], [], [], gap_bins=[3, 4],
                             gaps=[(1, 2, 55.04, 100.0), (0, 1, 0.0, 30.0)])
    assert (near.state, hidden.state, hidden.reason, hidden.bin_from) == (
        "not_served", "unknown", "gap", 3)
    assert near.gaps == ()
    (gap,) = hidden.gaps
    assert gap == GapEvidence(vehicle_id=7, last_fix_before=T + 10, first_fix_after=T + 20,
                              gap_s=10.0, gap_m=pytest.approx(30.0, abs=0.1), m_from=55.0,
                              m_to=100.0)
