"""The grid index that narrows a route's candidate fixes finds exactly what a scan would.

Crediting trusts it to return every usable fix inside a route's box and no other: a fix it
missed would be a pass lost, a refused fix returned would be credit the cleaning denied.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.cleaning import CleanTrack, clean
from dispatch.crediting import FixIndex
from dispatch.fixes import FixArrays
from dispatch.parameters import CoverageParams
from dispatch.projection import projection_for
from dispatch.tracks import TrackFix
from tests.dispatch.synthetic import ORIGIN_XY, T0, lonlat, plough

offsets = st.floats(min_value=-3000.0, max_value=3000.0, allow_nan=False)
spots = st.lists(st.tuples(offsets, offsets, st.booleans()), min_size=0, max_size=60)
boxes = st.tuples(offsets, offsets, st.floats(0.0, 2500.0), st.floats(0.0, 2500.0))


def track_of(points: list[tuple[float, float, bool]]) -> CleanTrack:
    """One vehicle's fixes at the points, a minute apart, each valid or not: cleaning refuses
    the invalid ones and the far hops, and the index must leave those out."""
    fixes = []
    for i, (dx, dy, valid) in enumerate(points):
        lon, lat = lonlat(dx, dy)
        fixes.append(TrackFix(T0 + timedelta(minutes=i), lat, lon, 0.0, 0.0, valid))
    return clean(FixArrays.from_track_fixes([7] * len(fixes), fixes), projection_for(),
                 CoverageParams().cleaning, {7: plough(7)})


@settings(max_examples=150, deadline=None)
@given(spots, boxes)
def test_a_box_holds_exactly_the_usable_fixes_a_scan_finds(
        points: list[tuple[float, float, bool]], box: tuple[float, float, float, float]) -> None:
    track = track_of(points)
    minx, miny = ORIGIN_XY[0] + box[0], ORIGIN_XY[1] + box[1]
    bounds = (minx, miny, minx + box[2], miny + box[3])
    found = FixIndex.build(track).in_box(track, bounds)
    inside = (track.usable & (track.x >= bounds[0]) & (track.x < bounds[2])
              & (track.y >= bounds[1]) & (track.y <= bounds[3]))
    assert sorted(found.tolist()) == np.flatnonzero(inside).tolist()


def test_fixes_on_the_box_edges_follow_the_documented_bounds() -> None:
    """minx, miny and maxy are inside, maxx is not (a route's box meets the next one's)."""
    track = track_of([(0.0, 0.0, True), (500.0, 300.0, True), (100.0, 700.0, True)])
    south_west, east, north = 0, 1, 2
    xs, ys = track.x, track.y
    box = (float(xs[south_west]), float(ys[south_west]), float(xs[east]), float(ys[north]))
    assert sorted(FixIndex.build(track).in_box(track, box).tolist()) == [south_west, north]


def test_a_box_within_the_first_cell_finds_the_fix_there() -> None:
    """The westmost fix opens the grid: a box of a metre around it still finds it."""
    track = track_of([(0.0, 0.0, True), (900.0, 40.0, True)])
    x, y = float(track.x[0]), float(track.y[0])
    assert FixIndex.build(track).in_box(track, (x, y, x + 1.0, y + 1.0)).tolist() == [0]
