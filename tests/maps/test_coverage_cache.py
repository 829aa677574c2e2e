"""The kept coverage brought up to date from PostGIS equals a recompute from scratch."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import numpy as np

from db import coverage as coverage_db
from db import routes as route_db
from dispatch.coverage import CoverageResult, compute_coverage
from dispatch.coverage_json import result_document
from dispatch.fixes import FixArrays
from dispatch.parameters import CoverageParams
from maps.api.coverage import route_bbox
from maps.coverage_cache import CoverageCache
from tests.bench.coverage import START, city_day, grid_routes, store_fixes, store_vehicles

WINDOW = (START, START + timedelta(hours=2))
PARAMS = CoverageParams()


def request(cache: CoverageCache, cur: Any, window: tuple[Any, Any]) -> CoverageResult:
    """What ``CoverageService.coverage`` does for every route, without the reactor."""
    routes, vehicles = route_db.list_routes(cur), coverage_db.vehicle_infos(cur)
    read = cache.read(cur, (None, False), window, routes, vehicles, route_bbox(routes))
    return cache.compute(read, START, PARAMS)


def from_scratch(cur: Any, window: tuple[Any, Any]) -> dict[str, Any]:
    routes, vehicles = route_db.list_routes(cur), coverage_db.vehicle_infos(cur)
    fixes = coverage_db.fixes_for_coverage(cur, *window, bbox=route_bbox(routes))
    return result_document(compute_coverage(routes, fixes, vehicles, window=window, now=START,
                                            params=PARAMS))


def test_a_late_upload_recomputes_only_nearby_routes_and_matches_a_full_recompute(
        cur: Any) -> None:
    fixes, infos = city_day(6, 2.5, seed=3)
    late = (fixes.vehicle == 2) & (fixes.t >= START.timestamp() + 3000) & (
        fixes.t < START.timestamp() + 3090)
    store_vehicles(cur, infos)
    for route in grid_routes():
        route_db.insert_route(cur, route)
    store_fixes(cur, fixes.take(np.flatnonzero(~late)))
    cache = CoverageCache(arrival_lag=timedelta(0))  # stored here before the next request

    first = request(cache, cur, WINDOW)
    assert cache.recomputed_routes == 150
    assert result_document(first) == from_scratch(cur, WINDOW)

    uploaded = fixes.take(np.flatnonzero(late))
    store_fixes(cur, FixArrays(**{**{f: getattr(uploaded, f) for f in uploaded.__slots__},
                                  "received": np.full(len(uploaded), time.time())}))
    second = request(cache, cur, WINDOW)
    assert result_document(second) == from_scratch(cur, WINDOW)
    assert result_document(second) != result_document(first)
    assert 150 < cache.recomputed_routes < 150 + 75

    counted = cache.recomputed_routes  # the same window again: nothing arrived since
    again = request(cache, cur, WINDOW)
    assert cache.recomputed_routes == counted
    assert result_document(again) == result_document(second)

    slid = (WINDOW[0] + timedelta(minutes=1), WINDOW[1] + timedelta(minutes=1))
    moved = request(cache, cur, slid)
    assert result_document(moved) == from_scratch(cur, slid)
    assert counted < cache.recomputed_routes < counted + 150


def test_fixes_arrived_within_the_lag_are_read_again_not_twice(cur: Any) -> None:
    fixes, infos = city_day(4, 1.0, seed=5)
    window = (START, START + timedelta(hours=1))
    late = (fixes.vehicle == 1) & (fixes.t >= START.timestamp() + 1200) & (
        fixes.t < START.timestamp() + 1260)
    store_vehicles(cur, infos)
    for route in grid_routes():
        route_db.insert_route(cur, route)
    store_fixes(cur, fixes.take(np.flatnonzero(~late)))
    cache = CoverageCache()
    request(cache, cur, window)
    uploaded = fixes.take(np.flatnonzero(late))
    store_fixes(cur, FixArrays(**{**{f: getattr(uploaded, f) for f in uploaded.__slots__},
                                  "received": np.full(len(uploaded), time.time())}))
    second = request(cache, cur, window)
    counted = cache.recomputed_routes
    assert counted > 150
    third = request(cache, cur, window)
    assert cache.recomputed_routes > counted  # within the lag the upload counts as new again
    assert result_document(third) == result_document(second) == from_scratch(cur, window)
    assert third.data_quality["fixes"] == len(fixes)
