"""Pairs, silences and what a silence could hide, on fixes laid out by hand in metres."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta

import numpy as np
import pytest

from dispatch.cleaning import CleanTrack, clean
from dispatch.fixes import FixArrays
from dispatch.parameters import CleaningParams, CoverageParams
from dispatch.projection import projection_for, to_wgs84
from dispatch.route_geometry import RouteGeometry
from dispatch.silences import make_pairs, reach_of_route
from dispatch.tracks import TrackFix
from tests.dispatch.synthetic import ORIGIN_XY, T0, plough, street

Fix = tuple[int, float, float, float]  # vehicle, seconds after T0, metres east, metres north
PLOUGH_TOP_MS = 45.0 / 3.6


def track(fixes: Sequence[Fix]) -> CleanTrack:
    """The cleaned track of hand-placed fixes (every vehicle a plough)."""
    out = []
    for _, t, x, y in fixes:
        lon, lat = to_wgs84(ORIGIN_XY[0] + x, ORIGIN_XY[1] + y)
        out.append(TrackFix(fix_time=T0 + timedelta(seconds=t), latitude=lat, longitude=lon,
                            speed_kmh=20.0, course_deg=90.0, valid=True, inputs=1,
                            satellites=12, hdop=0.9))
    arrays = FixArrays.from_track_fixes([v for v, _, _, _ in fixes], out)
    vehicles = {v: plough(v) for v, _, _, _ in fixes}
    return clean(arrays, projection_for(), CleaningParams(), vehicles)


def along(vehicle: int, times: Sequence[float], speed_ms: float = 5.0) -> list[Fix]:
    """Fixes of a vehicle driving east along y=0 at ``speed_ms`` from x=0."""
    return [(vehicle, t, speed_ms * t, 0.0) for t in times]


def test_fixes_of_different_vehicles_are_never_paired() -> None:
    """Two vehicles reporting at the same moments: each fix pairs with its own vehicle's next,
    the last of each has none, and ranks count the usable fixes from 0."""
    t = track(along(8, [0, 10, 20]) + along(7, [0, 10, 20, 30]))
    assert t.fixes.vehicle.tolist() == [7, 7, 7, 7, 8, 8, 8]
    pairs = make_pairs(t, CoverageParams())
    assert pairs.nxt.tolist() == [1, 2, 3, -1, 5, 6, -1]
    assert pairs.prev.tolist() == [-1, 0, 1, 2, -1, 4, 5]
    assert pairs.rank.tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert pairs.gap.tolist() == [False] * 7


def test_each_vehicle_has_its_own_usual_interval_the_median() -> None:
    """Intervals 1, 2, 3, 4, 100 s give 3 s; 10, 11, 12, 13, 50 s give 12 s; a vehicle with a
    single fix (lower or higher id) has no usual interval."""
    first = along(7, [0, 1, 3, 6, 10, 110], speed_ms=1.0)
    second = [(8, t, 0.0, 500.0 + t) for t in (0, 10, 21, 33, 46, 96)]
    t = track(first + second + [(5, 0, 900.0, 900.0), (9, 0, -900.0, 900.0)])
    pairs = make_pairs(t, CoverageParams())
    cadence = dict(zip(t.fixes.vehicle.tolist(), pairs.cadence.tolist(), strict=False))
    assert cadence == {5: math.inf, 7: 3.0, 8: 12.0, 9: math.inf}


def test_a_1s_terminal_quiet_for_20s_over_170m_is_silent_but_not_over_100m() -> None:
    """Three usual intervals are not enough to call a long step silent; 20 of them over
    170 m are, over 100 m they are not (the vehicle may simply have driven on)."""
    times = [float(s) for s in range(10)]
    quiet = along(7, times, speed_ms=8.5)
    quiet += [(7, 29.0, 8.5 * 9 + 170.0, 0.0)]
    calm = [(8, t, 0.0, 300.0 + 5.0 * t) for t in times] + [(8, 29.0, 0.0, 345.0 + 100.0)]
    pairs = make_pairs(track(quiet + calm), CoverageParams())
    assert pairs.gap.tolist() == [False] * 9 + [True, False] + [False] * 11


def test_a_pause_of_exactly_three_usual_intervals_is_not_yet_silent() -> None:
    """Every 10 s; then 30 s over 200 m (not silent: not more than three intervals) and
    31 s over 200 m (silent)."""
    times = [0.0, 10.0, 20.0, 30.0, 40.0]
    exactly = [(7, t, 5.0 * t, 0.0) for t in times] + [(7, 70.0, 400.0, 0.0),
                                                      (7, 80.0, 450.0, 0.0)]
    longer = [(8, t, 5.0 * t, 500.0) for t in times] + [(8, 71.0, 400.0, 500.0),
                                                       (8, 81.0, 450.0, 500.0)]
    pairs = make_pairs(track(exactly + longer), CoverageParams())
    assert pairs.gap.tolist() == [False] * 7 + [False] * 4 + [True, False, False]


def reach_bins(fixes: Sequence[Fix], dt_rows: Sequence[int] = (0,)) -> tuple[list[int],
                                                                            list[float]]:
    """Hidden bins of a 1 km street along y=0 from the pairs starting at ``dt_rows``, and the
    [m_from, m_to] of each pair that touches it."""
    t = track(fixes)
    pairs = make_pairs(t, CoverageParams())
    geom = RouteGeometry.build(street(1, ((0.0, 0.0), (1000.0, 0.0))), projection_for(), 20.0,
                               50.0, 20.0)
    reach = reach_of_route(geom, t, pairs, np.array(dt_rows, dtype=np.int64), PLOUGH_TOP_MS)
    spans = [round(v, 3) for pair in zip(reach.m_from, reach.m_to, strict=True) for v in pair]
    return np.flatnonzero(reach.bins).tolist(), spans


def within_reach(a: tuple[float, float], b: tuple[float, float], dt: float) -> list[int]:
    """Bins of the 1 km street whose midpoint P has |aP| + |Pb| <= v dt (the rule itself)."""
    return [k for k in range(50)
            if math.dist(a, (20.0 * k + 10.0, 0.0)) + math.dist((20.0 * k + 10.0, 0.0), b)
            <= PLOUGH_TOP_MS * dt]


def test_a_silence_on_the_street_hides_the_ellipse_around_it() -> None:
    """A 20 s silence from 300 m to 500 m: bins whose midpoints lie within 250 m by way of
    both fixes, 280-520 m."""
    bins, spans = reach_bins([(7, 0.0, 300.0, 0.0), (7, 20.0, 500.0, 0.0)])
    assert bins == list(range(14, 26)) == within_reach((300.0, 0.0), (500.0, 0.0), 20.0)
    assert spans == pytest.approx([280.0, 520.0], abs=1e-6)


def test_a_silence_beside_the_street_hides_only_what_it_could_reach() -> None:
    """Both fixes 145 m north of the street, 29 s apart: the street is reached although the
    fixes' box is far from it."""
    bins, spans = reach_bins([(7, 0.0, 300.0, 145.0), (7, 29.0, 500.0, 145.0)])
    expected = within_reach((300.0, 145.0), (500.0, 145.0), 29.0)
    assert bins == expected == list(range(17, 23))
    assert spans == pytest.approx([20.0 * expected[0], 20.0 * expected[-1] + 20.0], abs=1e-6)


@pytest.mark.parametrize(("a", "b", "end_bin"), [((1100.0, 0.0), (1300.0, 0.0), 49),
                                                 ((-100.0, 0.0), (-300.0, 0.0), 0)])
def test_a_silence_past_the_end_hides_only_the_end_bin_within_reach(
        a: tuple[float, float], b: tuple[float, float], end_bin: int) -> None:
    """A silence of 34 s out on the street's continuation reaches back only to the end bin."""
    bins, spans = reach_bins([(7, 0.0, *a), (7, 34.0, *b)])
    assert bins == [end_bin] == within_reach(a, b, 34.0)
    assert spans == pytest.approx([20.0 * end_bin, 20.0 * end_bin + 20.0], abs=1e-6)


def test_a_silence_out_of_reach_hides_nothing_and_pairs_are_reported_apart() -> None:
    """Two silences: one hides 280-520 m, one 1 km away hides nothing and is not reported."""
    fixes = [(7, 0.0, 300.0, 0.0), (7, 20.0, 500.0, 0.0),
             (8, 0.0, 300.0, 1000.0), (8, 20.0, 500.0, 1000.0)]
    bins, spans = reach_bins(fixes, dt_rows=(0, 2))
    assert bins == list(range(14, 26))
    assert spans == pytest.approx([280.0, 520.0], abs=1e-6)
