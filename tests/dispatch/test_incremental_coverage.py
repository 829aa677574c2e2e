"""Recomputing only the reached routes gives exactly the full recompute's result."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest

from dispatch.coverage import compute_coverage
from dispatch.coverage_json import result_document
from dispatch.equipment import VehicleInfo
from dispatch.fixes import BoolArray, FixArrays
from dispatch.incremental import CachedCoverage, FixChanges, compute_cached, update_cached
from dispatch.routes import Route
from tests.bench.coverage import START, city_day, grid_routes

HOURS = 3.0
WINDOW = (START, START + timedelta(hours=HOURS))
ROUTES = grid_routes()


@pytest.fixture(scope="module")
def day() -> tuple[FixArrays, dict[int, VehicleInfo]]:
    return city_day(12, HOURS, seed=7)


def changes_of(fixes: FixArrays, rows: BoolArray) -> FixChanges:
    return FixChanges(vehicle=fixes.vehicle[rows], t=fixes.t[rows], lon=fixes.lon[rows],
                      lat=fixes.lat[rows])


def full(routes: list[Route], fixes: FixArrays, infos: dict[int, VehicleInfo],
         window: Any = WINDOW) -> dict[str, Any]:
    return result_document(compute_coverage(routes, fixes, infos, window=window, now=START))


def late_upload(fixes: FixArrays, vehicle: int, minutes: tuple[float, float]) -> BoolArray:
    since = START.timestamp() + 60 * np.array(minutes)
    late: BoolArray = ((fixes.vehicle == vehicle) & (fixes.t >= since[0]) & (fixes.t < since[1]))
    return late


@pytest.mark.parametrize(("vehicle", "minutes"), [(3, (40.0, 42.0)), (8, (100.0, 101.0)),
                                                  (11, (0.0, 3.0))])
def test_a_late_upload_recomputes_only_the_routes_it_reaches_and_matches_a_full_recompute(
        day: tuple[FixArrays, dict[int, VehicleInfo]], vehicle: int,
        minutes: tuple[float, float]) -> None:
    fixes, infos = day
    late = late_upload(fixes, vehicle, minutes)
    before = compute_cached(ROUTES, fixes.take(np.flatnonzero(~late)), infos, window=WINDOW,
                            now=START)
    after = update_cached(before, ROUTES, fixes, infos, changes_of(fixes, late), window=WINDOW,
                          now=START)
    assert result_document(after.result) == full(ROUTES, fixes, infos)
    assert 0 < len(after.recomputed) < len(ROUTES) // 2
    assert result_document(before.result) != result_document(after.result)


def test_nothing_changed_recomputes_nothing(
        day: tuple[FixArrays, dict[int, VehicleInfo]]) -> None:
    fixes, infos = day
    before = compute_cached(ROUTES, fixes, infos, window=WINDOW, now=START)
    nothing = changes_of(fixes, np.zeros(len(fixes), dtype=np.bool_))
    after = update_cached(before, ROUTES, fixes, infos, nothing, window=WINDOW, now=START)
    assert after.recomputed == ()
    assert len(before.recomputed) == len(ROUTES)
    assert result_document(after.result) == result_document(before.result)


def test_a_sliding_window_recomputes_the_routes_near_what_entered_or_left(
        day: tuple[FixArrays, dict[int, VehicleInfo]]) -> None:
    fixes, infos = day
    shift = timedelta(minutes=1)
    old = (START, START + timedelta(hours=2))
    new = (old[0] + shift, old[1] + shift)
    before = compute_cached(ROUTES, fixes, infos, window=old, now=START)
    moved = (((fixes.t >= old[0].timestamp()) & (fixes.t < new[0].timestamp()))
             | ((fixes.t > old[1].timestamp()) & (fixes.t <= new[1].timestamp())))
    after = update_cached(before, ROUTES, fixes, infos, changes_of(fixes, moved), window=new,
                          now=START)
    assert result_document(after.result) == full(ROUTES, fixes, infos, new)
    assert 0 < len(after.recomputed) < len(ROUTES)


def test_an_edited_route_or_registry_is_recomputed(
        day: tuple[FixArrays, dict[int, VehicleInfo]]) -> None:
    fixes, infos = day
    before: CachedCoverage = compute_cached(ROUTES, fixes, infos, window=WINDOW, now=START)
    nothing = changes_of(fixes, np.zeros(len(fixes), dtype=np.bool_))
    edited = list(ROUTES)
    edited[5] = Route(**{**{f: getattr(ROUTES[5], f) for f in ROUTES[5].__slots__},
                         "half_width_m": ROUTES[5].half_width_m + 2.0})
    after = update_cached(before, edited, fixes, infos, nothing, window=WINDOW, now=START)
    assert after.recomputed == (ROUTES[5].id,)
    assert result_document(after.result) == full(edited, fixes, infos)
    fewer = {v: i for v, i in infos.items() if v != 4}
    after = update_cached(before, ROUTES, fixes, fewer, nothing, window=WINDOW, now=START)
    assert len(after.recomputed) == len(ROUTES)
