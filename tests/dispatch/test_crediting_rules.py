"""The crediting rules one at a time, on straight noise-free drives whose outcome is exact.

Each drive goes in a straight line at constant speed, so the fitted movement equals the true
one and every bin's verdict is known: the tests say which rule decides it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from dispatch.bins import BinState
from dispatch.cleaning import clean
from dispatch.coverage import RouteCoverage, compute_coverage
from dispatch.crediting import FixIndex, RouteCredit, credit_route
from dispatch.equipment import VehicleInfo
from dispatch.fixes import FixArrays
from dispatch.parameters import CoverageParams
from dispatch.projection import projection_for
from dispatch.route_geometry import RouteGeometry
from dispatch.routes import Route
from dispatch.silences import make_pairs
from dispatch.tracks import TrackFix
from tests.dispatch.synthetic import T0, bus, machine, plough, straight, street, window

Point = tuple[float, float]
EAST_1KM = ((0.0, 0.0), (1000.0, 0.0))


def coverage(route: Route, *drives: tuple[list[int], list[TrackFix]],
             vehicles: dict[int, VehicleInfo] | None = None) -> RouteCoverage:
    ids = [v for d in drives for v in d[0]]
    fixes = [f for d in drives for f in d[1]]
    result = compute_coverage([route], FixArrays.from_track_fixes(ids, fixes),
                              vehicles if vehicles is not None else {7: plough(7)},
                              window=window(), now=T0)
    return result.routes[0]


def served_bins(rc: RouteCoverage) -> list[int]:
    return np.flatnonzero(rc.bins.state == BinState.SERVED).tolist()


def one_way(points: tuple[Point, ...] = EAST_1KM, **kwargs: object) -> Route:
    return street(1, points, direction="as_drawn", **kwargs)


SHORT = ((0.0, 0.0), (200.0, 0.0))


@pytest.mark.parametrize(("treatment", "tool", "speed_kmh", "interval_s", "served_m"), [
    ("plough", "blade", 4.0, 10.0, 200.0), ("plough", "blade", 3.9, 10.0, 0.0),
    ("plough", "blade", 46.0, 5.0, 200.0), ("plough", "blade", 46.5, 5.0, 0.0),
    ("spread", "spreader", 41.0, 5.0, 200.0), ("spread", "spreader", 41.5, 5.0, 0.0),
    ("sweep", "brush", 2.0, 30.0, 200.0), ("sweep", "brush", 3.0, 20.0, 200.0),
    ("sweep", "brush", 26.0, 5.0, 200.0),
    ("sweep", "brush", 26.5, 5.0, 0.0),
])
def test_speed_bands_widened_by_1_kmh_decide_per_treatment(
        treatment: str, tool: str, speed_kmh: float, interval_s: float, served_m: float) -> None:
    """Plough 5-45, spreader 5-40, sweeper 3-25 km/h, each widened by 1 km/h: the band's
    edges serve the whole street, half a km/h beyond them nothing. At 3 km/h a sweeper's
    course is trusted (band speed) and agrees with its slow movement along the street."""
    rc = coverage(one_way(SHORT, treatment=treatment),
                  straight(7, (-60.0, 0.0), (260.0, 0.0), speed_kmh, interval_s),
                  vehicles=machine(tool))
    assert rc.state_m["served"] == served_m
    assert rc.state_m["not_served"] == 200.0 - served_m


@pytest.mark.parametrize(("reported_kmh", "served_m"), [(60.0, 200.0), (47.0, 0.0), (0.0, 200.0)])
def test_reported_speed_counts_only_where_it_agrees_with_the_track(reported_kmh: float,
                                                                   served_m: float) -> None:
    """Moving at 40 km/h: a terminal reporting 47 (within 10 km/h) is believed and out of the
    band; one reporting 60 or always 0 disagrees, so the track's own speed (40) decides."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a speed of 0 must not trip a numeric warning either
        rc = coverage(one_way(SHORT), straight(7, (-60.0, 0.0), (260.0, 0.0), 40.0, 5.0,
                                               reported_kmh=reported_kmh))
    assert rc.state_m["served"] == served_m


NORTH_EAST = ((0.0, 0.0), (300.0, 300.0))


@pytest.mark.parametrize("course", [105.0, 345.0])
@pytest.mark.parametrize(("speed_kmh", "interval_s", "served"), [
    (25.0, 5.0, False), (5.0, 10.0, False), (4.5, 10.0, True)])
def test_a_plausible_course_60_degrees_off_the_street_earns_nothing(
        course: float, speed_kmh: float, interval_s: float, served: bool) -> None:
    """A terminal whose course says 60 degrees off the street (either side) while the track
    runs along it is believed from the band's lowest speed up (5 km/h) and earns nothing;
    below that the course is not trusted and the track decides."""
    rc = coverage(one_way(NORTH_EAST), straight(7, (-50.0, -50.0), (350.0, 350.0), speed_kmh,
                                                interval_s, course=lambda _: course))
    assert rc.state_m["served"] == (424.3 if served else 0.0)
    assert rc.state_m["partial"] == 0.0


def test_driving_against_with_a_course_60_degrees_off_earns_nothing() -> None:
    """Westward along a two-way street reporting a course 60 degrees off west: no pass."""
    rc = coverage(street(1, EAST_1KM),
                  straight(7, (1060.0, 0.0), (-60.0, 0.0), 25.0, 5.0, course=lambda _: 330.0))
    assert rc.state_m["not_served"] == 1000.0 and rc.vehicles == ()


def every_20m(**kwargs: object) -> tuple[list[int], list[TrackFix]]:
    """As drawn along the 1 km street at 36 km/h, a fix every 2 s: fix i at x = 20 i - 60."""
    return straight(7, (-60.0, 0.0), (1060.0, 0.0), 36.0, 2.0, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("failing", "served_bins_lost", "passes"), [(2, 0, 1), (3, 2, 2)])
def test_two_failing_fixes_are_bridged_in_a_pass_three_are_not(
        failing: int, served_bins_lost: int, passes: int) -> None:
    """Fixes whose course crosses the street fail; two in a row do not break the pass, three
    do: the 40 m between the working fixes around them stay not served."""
    bad = range(30, 30 + failing)
    rc = coverage(one_way(), every_20m(course=lambda i: 30.0 if i in bad else 90.0))
    assert rc.state_m["served"] == 1000.0 - 20.0 * served_bins_lost
    assert [w.passes for w in rc.vehicles] == [passes]
    if served_bins_lost:
        assert np.flatnonzero(rc.bins.state == BinState.NOT_SERVED).tolist() == [27, 28]


@pytest.mark.parametrize(("outside", "lost"), [(2, []), (3, [26, 27, 28, 29])])
def test_two_fixes_outside_the_search_area_do_not_cut_a_pass_three_do(
        outside: int, lost: list[int]) -> None:
    """Fixes 45 m off the axis (outside the 40 m search area): two are bridged, three end the
    segment, and the 80 m between the fixes around them stay not served."""
    off = range(30, 30 + outside)
    rc = coverage(one_way(), every_20m(moved=lambda i: (0.0, 45.0) if i in off else (0.0, 0.0)))
    assert np.flatnonzero(rc.bins.state == BinState.NOT_SERVED).tolist() == lost
    assert [w.passes for w in rc.vehicles] == [1 if not lost else 2]


def test_a_pass_whose_sensor_falls_silent_is_confirmed_only_while_it_read_on() -> None:
    """Input 1 read until x=480, then no inputs at all: a pair with the state unknown at one
    end confirms nothing, so the rest of the street is unknown (unconfirmed), not served."""
    rc = coverage(one_way(), every_20m(inputs=lambda i: 1 if 20 * i - 60 < 500 else None))
    assert served_bins(rc) == list(range(24))
    assert rc.state_m == {"served": 480.0, "partial": 0.0, "unknown": 520.0, "not_served": 0.0}
    assert [(w.confirmed_m, w.unconfirmed_m, w.passes) for w in rc.vehicles] == [
        (480.0, 520.0, 1)]


def test_separate_passes_of_one_vehicle_are_counted_separately() -> None:
    """The same vehicle drives the one-way street twice an hour apart: two passes per bin, so
    a street needing two is served, and the vehicle worked 2 km."""
    first, again = every_20m(), every_20m(t0=3600.0)
    rc = coverage(one_way(passes_required=2), (first[0] + again[0], first[1] + again[1]))
    assert rc.state_m["served"] == 1000.0
    assert rc.bins.passes[:, 0].tolist() == [2] * 50
    assert [(w.confirmed_m, w.passes) for w in rc.vehicles] == [(2000.0, 2)]


@pytest.mark.parametrize(("blade_on", "served"), [((23, 24, 25), [20, 21]), ((23, 24), [])])
def test_a_pass_shorter_than_30m_is_dropped(blade_on: tuple[int, ...],
                                            served: list[int]) -> None:
    """The blade down for three fixes 20 m apart is a 40 m pass over two bins, spanning those
    three fixes; for two fixes it is a 20 m pass, a turn through an intersection, and earns
    nothing."""
    rc = coverage(one_way(), every_20m(inputs=lambda i: 1 if i in blade_on else 0))
    assert served_bins(rc) == served
    runs = [r for s in rc.stretches for r in s.runs]
    assert [r.fixes for r in runs] == ([3] if served else [])
    assert all(type(r.fixes) is int for r in runs)
    assert rc.state_m["partial"] == rc.state_m["unknown"] == 0.0


def test_service_time_is_when_the_vehicle_passed_each_bin_midpoint() -> None:
    """At 10 m/s from x=-65, fixes every 10 m lie midway between bin midpoints: the midpoint
    of bin k (20 k + 10 m) is passed at 7.5 + 2 k s, interpolated between the fixes; the street
    is cleared when the 45th bin (90 %) is, at 95.5 s."""
    rc = coverage(one_way(), straight(7, (-65.0, 0.0), (1060.0, 0.0), 36.0, 1.0))
    since = rc.bins.first_service - T0.timestamp()
    np.testing.assert_allclose(since, 7.5 + 2.0 * np.arange(50), atol=1e-5)
    np.testing.assert_allclose(rc.bins.last_service, rc.bins.first_service)
    assert rc.cleared_at == pytest.approx(T0.timestamp() + 95.5, abs=1e-5)


@pytest.mark.parametrize(("start", "end", "served"), [
    (-300.0, 900.0, list(range(45))), (100.0, 1300.0, list(range(5, 50)))])
def test_a_sparse_terminal_is_credited_through_its_fix_on_the_streets_continuation(
        start: float, end: float, served: list[int]) -> None:
    """Fixes 400 m apart entering (or leaving) along the street's axis: the fix out past the
    end joins the pass, so the end of the street is served up to the other end's last fix."""
    rc = coverage(one_way(), straight(7, (start, 0.0), (end, 0.0), 36.0, 40.0))
    assert served_bins(rc) == served
    assert rc.state_m["served"] == 900.0 and rc.state_m["unknown"] == 0.0


def test_one_fix_on_a_short_street_is_credited_through_its_neighbours_past_both_ends() -> None:
    """Fixes 300 m apart: only one lies on the 200 m street, its neighbours lie out on the
    axis past both ends, and the whole street is served."""
    rc = coverage(one_way(SHORT), straight(7, (-200.0, 0.0), (400.0, 0.0), 36.0, 30.0))
    assert rc.state_m["served"] == 200.0
    assert [(w.confirmed_m, w.passes) for w in rc.vehicles] == [(200.0, 1)]


def test_fixes_of_other_vehicles_never_join_a_vehicles_pass() -> None:
    """A plough from x=100 to 900 alone, or with a bus far away and another driving toward
    the street's end along its continuation (its last step, 1300 to 1060 m in 40 s, could
    reach the end): the same 800 m are served and the rest is not served, not unknown."""
    def of(vehicle: int, drive: tuple[list[int], list[TrackFix]]) -> tuple[list[int],
                                                                            list[TrackFix]]:
        return [vehicle] * len(drive[1]), drive[1]

    ploughing = straight(7, (100.0, 0.0), (900.0, 0.0), 36.0, 2.0)
    far = of(3, straight(3, (5000.0, 5000.0), (5100.0, 5000.0), 30.0, 5.0))
    beyond = of(9, straight(9, (1300.0, 0.0), (1060.0, 0.0), 21.6, 40.0))
    drives = (far, ploughing, beyond)
    together = coverage(one_way(), ([v for d in drives for v in d[0]],
                                    [f for d in drives for f in d[1]]),
                        vehicles={3: bus(3), 7: plough(7), 9: bus(9)})
    alone = coverage(one_way(), ploughing)
    assert served_bins(together) == served_bins(alone) == list(range(5, 45))
    assert together.state_m == alone.state_m == {"served": 800.0, "partial": 0.0,
                                                 "unknown": 0.0, "not_served": 200.0}


def test_a_turn_in_from_a_side_street_past_the_end_leaves_only_the_end_bin_unknown() -> None:
    """Down a side street meeting the street's end at 45 degrees, then west along it: the
    side street's fixes do not join the pass; only the end bin, within reach of the step
    from the side street, is unknown, the rest is driven one way (partial)."""
    side = straight(7, (1400.0, 300.0), (1000.0, 0.0), 36.0, 10.0)
    west = straight(7, (1000.0, 0.0), (-60.0, 0.0), 36.0, 10.0, t0=50.0)
    rc = coverage(street(1, EAST_1KM), (side[0] + west[0], side[1] + west[1]))
    assert "".join("NPUS"[s] for s in rc.bins.state) == "P" * 49 + "U"


def route_credit(route: Route, drive: tuple[list[int], list[TrackFix]],
                 params: CoverageParams) -> RouteCredit:
    """``credit_route`` on its own, fed as ``compute_coverage`` feeds it."""
    fixes = FixArrays.from_track_fixes(*drive)
    projection = projection_for()
    track = clean(fixes, projection, params.cleaning, {7: plough(7)})
    geom = RouteGeometry.build(route, projection, params.bin_m, params.end_extension_m,
                               params.search_margin_m)
    return credit_route(geom, track, make_pairs(track, params), FixIndex.build(track),
                        np.ones(len(track), dtype=np.bool_), params,
                        np.zeros(len(track), dtype=np.bool_))


def test_credit_counts_the_fixes_near_the_route_and_each_pass_spans_whole_fixes() -> None:
    """Blade down for three fixes 20 m apart in a drive of 57 fixes, 55 in the search area and
    the two at its ends out on the street's axis: all 57 are candidates; one pass of three
    fixes, as a whole number, from 400 to 440 m."""
    credit = route_credit(one_way(), every_20m(inputs=lambda i: 1 if i in (23, 24, 25) else 0),
                          CoverageParams())
    assert credit.candidate_fixes == 57
    assert credit.run_fixes.tolist() == [3] and credit.run_fixes.dtype == np.int64
    assert credit.run_m_from.tolist() == pytest.approx([400.0], abs=1e-6)
    assert credit.run_m_to.tolist() == pytest.approx([440.0], abs=1e-6)


def test_no_pass_at_all_gives_no_runs_even_with_no_minimum_length() -> None:
    """Blade up throughout, and passes of any length allowed: still no run, no run lengths."""
    credit = route_credit(one_way(), every_20m(inputs=lambda _: 0), CoverageParams(min_run_m=0.0))
    assert credit.runs == 0
    assert len(credit.run_m_from) == len(credit.run_m_to) == len(credit.entry_bin) == 0


def test_a_streets_continuation_computed_first_does_not_cut_its_end() -> None:
    """Fixes 400 m apart from x=100 to 1300: the one at 1300 lies on the street's axis past
    its end, so the street is served to its end, whether or not the street continuing it
    (1100-1500 m, where that fix lies) is computed first."""
    fixes = FixArrays.from_track_fixes(*straight(7, (100.0, 0.0), (1300.0, 0.0), 36.0, 40.0))
    continuation = street(2, ((1100.0, 0.0), (1500.0, 0.0)), direction="as_drawn")
    for routes in ([one_way()], [continuation, one_way()]):
        result = compute_coverage(routes, fixes, {7: plough(7)}, window=window(), now=T0)
        assert served_bins(result.route(1)) == list(range(5, 50))
