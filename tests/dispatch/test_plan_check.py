"""The plan check on a constructed city: overlaps, unclaimed streets, contractors' capacity."""

from __future__ import annotations

import json

import pytest

from dispatch.plan_check import NetworkStreet, check_plan, parse_network
from dispatch.projection import projection_for
from dispatch.routes import RouteError
from tests.dispatch.synthetic import lonlat, plough, street

NORMS = {1: 4.0, 2: 6.0, 3: 12.0}
# Street 1: 0-1000 m along y=0, contractor А. Street 2: 600-1600 m along y=5 (the same street,
# drawn again, contractor Б): 400 m claimed twice. Street 3: the same line as 1 but spread: no
# conflict (another treatment). Street 4: y=500, class 1, contractor А. The corridor (15 m)
# has round ends: 5 m off the line it reaches sqrt(15² - 5²) = 14.1 m past a route's end.
ROUTES = [street(1, ((0.0, 0.0), (1000.0, 0.0)), contractor="А", priority=2),
          street(2, ((600.0, 5.0), (1600.0, 5.0)), contractor="Б", priority=3),
          street(3, ((0.0, 0.0), (1000.0, 0.0)), contractor="А", treatment="spread"),
          street(4, ((0.0, 500.0), (1000.0, 500.0)), contractor="А", priority=1,
                 direction="as_drawn", passes_required=2)]


def network(*streets: tuple[str, tuple[float, float], tuple[float, float]]
            ) -> list[NetworkStreet]:
    return [NetworkStreet(name, (lonlat(*a), lonlat(*b))) for name, a, b in streets]


def test_the_same_street_in_two_routes_of_one_treatment_is_claimed_twice() -> None:
    """Street 1 lies within street 2's corridor from 585.9 m (its round end) to 1000 m."""
    check = check_plan(ROUTES, [], {}, NORMS, projection_for())
    (overlap,) = check.overlaps
    assert overlap.treatment == "plough"
    assert overlap.routes == ((1, "street 1", "А"), (2, "street 2", "Б"))
    assert overlap.length_m == pytest.approx(400.0 + 200.0 ** 0.5, abs=0.1)


def test_network_streets_outside_every_route_are_claimed_by_none() -> None:
    """ул. Новая (y=1000) lies outside every route: all 800 m of it; ул. Длинная runs along
    street 2 to 1915 m: unclaimed from the end of street 2's corridor (1614.1 m) on, 300.9 m;
    the dead end's 45 m beyond street 1's corridor are too short to report."""
    check = check_plan(ROUTES, network(("ул. Новая", (0.0, 1000.0), (800.0, 1000.0)),
                                       ("ул. Длинная", (0.0, 0.0), (1915.0, 0.0)),
                                       ("тупик", (0.0, -10.0), (0.0, -60.0))),
                       {}, NORMS, projection_for())
    assert [(u.name, u.length_m) for u in check.unclaimed] == [
        ("ул. Новая", pytest.approx(800.0, abs=0.1)),
        ("ул. Длинная", pytest.approx(1915.0 - 1600.0 - 200.0 ** 0.5, abs=0.1))]


def test_contractors_capacity_against_their_tightest_norm() -> None:
    """А ploughs street 1 both ways (2 km of work) and street 4 twice one way (2 km): 4 km
    with one plough at 20 km/h is 0.2 h, within its tightest 4 h norm. Б has no plough: not
    enough. А spreads 2 km with no spreader either."""
    check = check_plan(ROUTES, [], {7: plough(7, "А")}, NORMS, projection_for())
    loads = {(x.contractor, x.treatment): x for x in check.loads}
    a = loads[("А", "plough")]
    assert (a.routes, a.vehicles, a.capacity_kmh, a.norm_h, a.enough) == (2, 1, 20.0, 4.0, True)
    assert a.work_km == pytest.approx(4.0, abs=0.01)
    assert a.hours_needed == pytest.approx(0.2, abs=0.001)
    b = loads[("Б", "plough")]
    assert (b.vehicles, b.hours_needed, b.norm_h, b.enough) == (0, None, 12.0, False)
    assert (loads[("А", "spread")].vehicles, loads[("А", "spread")].enough) == (0, False)


def test_a_network_file_names_its_bad_feature() -> None:
    good = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "ул. Мира"},
         "geometry": {"type": "MultiLineString",
                      "coordinates": [[list(lonlat(0, 0)), list(lonlat(100, 0))],
                                      [list(lonlat(0, 50)), list(lonlat(100, 50))]]}}]}
    assert [s.name for s in parse_network(json.dumps(good))] == ["ул. Мира", "ул. Мира"]
    bad = {"type": "FeatureCollection", "features": [
        good["features"][0], {"type": "Feature", "geometry": {"type": "Point",
                                                               "coordinates": [137.0, 50.5]}}]}
    with pytest.raises(RouteError, match="feature 1: geometry must be a LineString"):
        parse_network(json.dumps(bad))
