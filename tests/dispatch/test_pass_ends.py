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
from tests.dispatch.synthetic import ORIGIN_XY, T0, plough, street, window
from tests.dispatch.test_crediting_rules import machine, straight

EAST_1KM = ((0.0, 0.0), (1000.0, 0.0))
FROM_NORTH = (500.0, 300.0)  # a side street's fix 30 s before reaching the street at x=500
ON_STREET = (500.0, 0.0)
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


def test_both_passes_of_a_u_turn_reach_the_farther_fix_around_it() -> None:
    """West along a two-way street at 36 km/h, turning back at x=495: the last westbound fix is
    at 510, the first eastbound at 500. Both passes reach 500, so bin 25 (midpoint 510) is
    served both ways; the bins west of it stay within reach of the unseen turn."""
    west = straight(7, (1060.0, 0.0), (495.0, 0.0), 36.0, 2.0)
    east = straight(7, (495.0, 0.0), (1060.0, 0.0), 36.0, 2.0, t0=58.0)
    keep = [f.fix_time <= T0 + timedelta(seconds=56) for f in west[1]]
    drive = ([7] * (sum(keep) + len(east[1]) - 1),
             [f for f, k in zip(west[1], keep, strict=True) if k] + east[1][1:])
    (rc,) = verdicts([street(1, EAST_1KM)], drive)
    served = np.flatnonzero(rc.bins.state == BinState.SERVED).tolist()
    assert served == list(range(25, 50))
    assert rc.bins.passes[25].tolist() == [1, 1]
