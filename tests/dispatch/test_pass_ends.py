"""Where passes end: lone fixes that could be working, steps in from side streets, U-turns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np
import pytest

from dispatch.bins import BinState
from dispatch.coverage import RouteCoverage, compute_coverage
from dispatch.equipment import VehicleInfo
from dispatch.fixes import FixArrays
from dispatch.projection import to_wgs84
from dispatch.routes import Route
from dispatch.tracks import TrackFix
from tests.dispatch.synthetic import ORIGIN_XY, T0, machine, plough, straight, street, window

EAST_1KM = ((0.0, 0.0), (1000.0, 0.0))
FROM_NORTH = (500.0, 300.0)  # a side street's fix 30 s before reaching the street at x=500
ON_STREET = (500.0, 3.0)  # on the axis: within 15 m of it
TO_SOUTH = (500.0, -300.0)
WITHIN_REACH_OF_THE_STEP = list(range(22, 28))  # midpoints 450-550 m: 300 m + 67.5 m <= 375 m


def sparse(points: Sequence[tuple[float, float]], courses: Sequence[float], *,
           speed_kmh: float = 36.0, inputs: Sequence[int] | None = None,
           every_s: float = 30.0) -> tuple[list[int], list[TrackFix]]:
    """Vehicle 7's fixes every 30 s at the given points, courses and inputs."""
    fixes = []
    for i, ((x, y), course) in enumerate(zip(points, courses, strict=True)):
        lon, lat = to_wgs84(ORIGIN_XY[0] + x, ORIGIN_XY[1] + y)
        fixes.append(TrackFix(
            fix_time=T0 + timedelta(seconds=every_s * i), latitude=lat, longitude=lon,
            speed_kmh=speed_kmh, course_deg=course, valid=True,
            inputs=1 if inputs is None else inputs[i], satellites=12, hdop=0.9))
    return [7] * len(fixes), fixes


def verdicts(routes: list[Route], drive: tuple[list[int], list[TrackFix]],
             vehicles: dict[int, VehicleInfo] | None = None) -> list[RouteCoverage]:
    result = compute_coverage(routes, FixArrays.from_track_fixes(*drive),
                              vehicles if vehicles is not None else {7: plough(7)},
                              window=window(), now=T0)
    return list(result.routes)


def unknown_bins(rc: RouteCoverage) -> list[int]:
    return np.flatnonzero(rc.bins.state == BinState.UNKNOWN).tolist()


def test_a_lone_fix_along_the_street_leaves_unknown_what_its_steps_could_reach() -> None:
    """A terminal reporting every 30 s: one fix on the street heading along it between two
    fixes on a side street. It may have worked the street in between: the bins the steps in
    and out could reach are unknown (nothing is served)."""
    (rc,) = verdicts([street(1, EAST_1KM)],
                     sparse([FROM_NORTH, ON_STREET, TO_SOUTH], [180.0, 90.0, 180.0]))
    assert unknown_bins(rc) == WITHIN_REACH_OF_THE_STEP
    assert rc.state_m["served"] == 0.0 and rc.state_m["unknown"] == 120.0


def test_the_first_fix_of_a_track_stepping_onto_the_street_counts_as_an_entry() -> None:
    """The track starts on the side street and ends on the street: the step in alone leaves
    the same bins unknown."""
    (rc,) = verdicts([street(1, EAST_1KM)], sparse([FROM_NORTH, ON_STREET], [180.0, 90.0]))
    assert unknown_bins(rc) == WITHIN_REACH_OF_THE_STEP


@pytest.mark.parametrize(("courses", "speed_kmh", "inputs", "where"), [
    ((180.0, 180.0), 36.0, (1, 1), "heading across the street"),
    ((180.0, 90.0), 60.0, (1, 1), "too fast for the band"),
    ((180.0, 90.0), 3.9, (1, 1), "too slow for the band"),
    ((180.0, 90.0), 46.5, (1, 1), "above the band's margin"),
    ((180.0, 90.0), 36.0, (0, 1), "stepping in with the blade up"),
])
def test_a_lone_fix_that_could_not_be_working_leaves_nothing_unknown(
        courses: tuple[float, float], speed_kmh: float, inputs: tuple[int, int],
        where: str) -> None:
    """A lone fix crossing the street, out of the band, or a step in with the blade up: the
    street is simply not served."""
    (rc,) = verdicts([street(1, EAST_1KM)], sparse([FROM_NORTH, ON_STREET], courses,
                                                    speed_kmh=speed_kmh, inputs=inputs))
    assert rc.state_m["not_served"] == 1000.0, where


@pytest.mark.parametrize("speed_kmh", [4.0, 46.0])
def test_a_lone_fix_at_the_edges_of_the_widened_band_could_be_working(speed_kmh: float) -> None:
    """4 and 46 km/h are within the plough's band widened by 1 km/h."""
    (rc,) = verdicts([street(1, EAST_1KM)],
                     sparse([FROM_NORTH, ON_STREET], [180.0, 90.0], speed_kmh=speed_kmh))
    assert unknown_bins(rc) == WITHIN_REACH_OF_THE_STEP


def test_a_lone_fix_off_the_axis_leaves_nothing_unknown() -> None:
    """25 m off the axis (beyond 0.75 of the 20 m half-width) is the next street's lane."""
    (rc,) = verdicts([street(1, EAST_1KM)],
                     sparse([FROM_NORTH, (500.0, 25.0), TO_SOUTH], [180.0, 90.0, 180.0]))
    assert rc.state_m["not_served"] == 1000.0


@pytest.mark.parametrize(("speed_kmh", "unknown_m"), [(25.0, 120.0), (30.0, 0.0)])
def test_a_lone_fix_is_judged_by_the_sweepers_band(speed_kmh: float, unknown_m: float) -> None:
    """A sweeper's band is 3-25 km/h: a lone fix at 30 km/h could not be sweeping (the step
    in is 140 m long, within a sweeper's reach of 208 m in 30 s)."""
    (rc,) = verdicts([street(1, EAST_1KM, treatment="sweep")],
                     sparse([(500.0, 140.0), ON_STREET], [180.0, 90.0], speed_kmh=speed_kmh),
                     machine("brush"))
    assert rc.state_m["unknown"] == pytest.approx(unknown_m, abs=1e-6)


NORTH_EAST = ((0.0, 0.0), (700.0, 700.0))


@pytest.mark.parametrize(("course", "unknown"), [(45.0, True), (225.0, True), (170.0, False),
                                                 (100.0, False)])
def test_a_lone_fix_on_a_diagonal_street_is_judged_by_its_course_either_way(
        course: float, unknown: bool) -> None:
    """On a street heading north-east, a lone fix heading north-east or south-west could be
    working it; one heading 55 degrees off (100 or 170) could not."""
    (rc,) = verdicts([street(1, NORTH_EAST)],
                     sparse([(562.0, 138.0), (350.0, 350.0)], [315.0, course]))
    assert (rc.state_m["unknown"] > 0) == unknown
    if unknown:
        assert unknown_bins(rc) == list(range(21, 28))
    assert rc.state_m["served"] == rc.state_m["partial"] == 0.0


def test_a_streets_verdict_does_not_depend_on_the_streets_computed_before_it() -> None:
    """The side street the vehicle came along is computed first: the main street's verdict is
    the same as when it is computed alone."""
    side = street(2, ((500.0, 400.0), (500.0, 40.0)))
    drive = sparse([(500.0, 900.0), (500.0, 600.0), FROM_NORTH, ON_STREET],
                   [180.0, 180.0, 180.0, 90.0])
    alone = verdicts([street(1, EAST_1KM)], drive)[0]
    after = verdicts([side, street(1, EAST_1KM)], drive)[1]
    assert unknown_bins(alone) == unknown_bins(after) == WITHIN_REACH_OF_THE_STEP


def joined(*drives: tuple[list[int], list[TrackFix]]) -> tuple[list[int], list[TrackFix]]:
    return [v for d in drives for v in d[0]], [f for d in drives for f in d[1]]


WEST_TO_515 = straight(7, (1055.0, 0.0), (500.0, 0.0), 36.0, 2.0)  # fixes 1055, 1035 ... 515


def state_codes(rc: RouteCoverage) -> str:
    return "".join("NPUS"[s] for s in rc.bins.state)


def test_both_passes_of_a_u_turn_reach_the_farther_fix_around_it() -> None:
    """West at 36 km/h, turning at x=500 between the fixes at 515 and 505: both passes reach
    505, so bin 25 (midpoint 510) is served both ways; west of the turn nothing is."""
    east = straight(7, (505.0, 0.0), (1065.0, 0.0), 36.0, 2.0, t0=56.0)
    (rc,) = verdicts([street(1, EAST_1KM)], joined(WEST_TO_515, east))
    assert state_codes(rc) == "N" * 25 + "S" * 25
    assert rc.bins.passes[25].tolist() == [1, 1]


def test_a_u_turn_with_the_blade_up_after_it_is_neither_carried_nor_hidden() -> None:
    """The same U-turn with the blade raised at the first fix after it: the westbound pass
    ends at 515 and the eastbound begins at 525, so bin 25 is not served and nothing around
    the turn is unknown."""
    east = straight(7, (505.0, 0.0), (1065.0, 0.0), 36.0, 2.0, t0=56.0,
                    inputs=lambda i: 0 if i == 0 else 1)
    (rc,) = verdicts([street(1, EAST_1KM)], joined(WEST_TO_515, east))
    assert state_codes(rc) == "N" * 26 + "S" * 24


def test_a_pass_is_carried_to_the_failing_fix_just_after_it() -> None:
    """East from x=-60; the last fix (520) reports a course across the street: the pass is
    carried from 500 to it, serving bin 25 (midpoint 510)."""
    (rc,) = verdicts([street(1, EAST_1KM, direction="as_drawn")],
                     straight(7, (-60.0, 0.0), (520.0, 0.0), 36.0, 2.0,
                              course=lambda i: 30.0 if i == 29 else 90.0))
    assert state_codes(rc) == "S" * 26 + "N" * 24


def test_a_pass_is_carried_back_to_the_failing_fix_just_before_it() -> None:
    """East from x=485, the first fix reporting a course across the street: the pass starts
    there, serving bin 24 (midpoint 490)."""
    (rc,) = verdicts([street(1, EAST_1KM, direction="as_drawn")],
                     straight(7, (485.0, 0.0), (1060.0, 0.0), 36.0, 2.0,
                              course=lambda i: 30.0 if i == 0 else 90.0))
    assert state_codes(rc) == "N" * 24 + "S" * 26


def test_a_pass_against_the_drawing_is_carried_back_to_the_failing_fix_before_it() -> None:
    """West from x=515 on a two-way street, the first fix reporting a course across it: the
    westbound pass starts there, covering bin 25 (midpoint 510) one way."""
    (rc,) = verdicts([street(1, EAST_1KM)],
                     straight(7, (515.0, 0.0), (-60.0, 0.0), 36.0, 2.0,
                              course=lambda i: 330.0 if i == 0 else 270.0))
    assert state_codes(rc) == "P" * 26 + "N" * 24
    assert rc.bins.passes[:, 1].tolist() == [1] * 26 + [0] * 24
