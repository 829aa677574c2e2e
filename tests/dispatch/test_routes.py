"""The route model: which rules a route may carry, which lines can be measured, what is only
worth a warning, and how properties from a file become a route."""

from __future__ import annotations

import math
from typing import Any

import pytest

from dispatch.routes import (
    Route,
    RouteError,
    geodesic_length_m,
    route_from_properties,
    validate_line,
)
from tests.dispatch.geometry_fixtures import FAR_OUTSIDE_CITY, STRAIGHT_EAST_1KM, wgs84

LINE = tuple((c[0], c[1]) for c in wgs84(STRAIGHT_EAST_1KM))


def test_geodesic_length_of_a_kilometre() -> None:
    """The haversine length of the 1 km fixture is 1 km to 0.5 %."""
    assert geodesic_length_m([(c[0], c[1]) for c in wgs84(STRAIGHT_EAST_1KM)]) == \
        pytest.approx(1000.0, rel=0.005)


def test_geodesic_length_sums_the_legs_of_a_line() -> None:
    """A degree of latitude is 111.2 km on the mean sphere, there and back twice that."""
    north = [(137.0, 50.0), (137.0, 51.0)]
    assert geodesic_length_m(north) == pytest.approx(111_195.0, abs=1.0)
    assert geodesic_length_m([*north, (137.0, 50.0)]) == pytest.approx(222_390.0, abs=2.0)
    assert geodesic_length_m(north[:1]) == 0.0


@pytest.mark.parametrize(("coordinates", "message"), [
    (((137.0, 50.55),), "не меньше двух точек"),
    (((137.0, 50.55), (math.nan, 50.55)), "конечные числа"),
    (((137.0, 50.55), (137.0, math.inf)), "конечные числа"),
    (((137.0, 50.55), (181.0, 50.55)), r"точка \[181.0, 50.55\] — не \[долгота, широта\]"),
    (((137.0, 50.55), (137.0, 50.550001)), "у линии нулевая длина"),
])
def test_lines_that_cannot_be_measured_are_refused_with_the_reason(
        coordinates: tuple[tuple[float, float], ...], message: str) -> None:
    with pytest.raises(RouteError, match=message) as caught:
        validate_line(coordinates, "маршрут 5")
    assert caught.value.where == "маршрут 5"


def test_a_line_of_a_metre_and_more_is_measurable() -> None:
    validate_line(((137.0, 50.55), (137.0, 50.55001)), "маршрут 5")  # 1.1 m: no error


@pytest.mark.parametrize(("change", "message"), [
    ({"name": "  "}, "'name' \\(название\\) не может быть пустым"),
    ({"treatment": "salt"}, "'treatment' — одно из: plough, spread, sweep"),
    ({"direction": "north"}, "'direction' — одно из: both, as_drawn"),
    ({"priority": 0}, "'priority' — 1, 2 или 3"), ({"priority": 4}, "'priority'"),
    ({"passes_required": 21}, "'passes_required' — от 1 до 20"),
    ({"half_width_m": 0.0}, "'half_width_m' — больше 0 и не больше 100"),
    ({"half_width_m": 100.5}, "'half_width_m'"),
])
def test_a_route_with_an_impossible_rule_is_refused_naming_the_route(
        change: dict[str, Any], message: str) -> None:
    with pytest.raises(RouteError, match=message) as caught:
        Route(**{"id": 9, "name": "Мира", "coordinates": LINE, **change})
    assert caught.value.where == "маршрут 9"


def test_an_unstored_route_is_named_by_its_name() -> None:
    with pytest.raises(RouteError) as caught:
        Route(id=None, name="Мира", coordinates=LINE, priority=5)
    assert caught.value.where == "маршрут «Мира»"


def test_the_limits_themselves_are_allowed() -> None:
    route = Route(id=1, name="Мира", coordinates=LINE, priority=3, passes_required=20,
                  half_width_m=100.0)
    assert (route.priority, route.passes_required, route.half_width_m) == (3, 20, 100.0)


def test_a_two_way_route_needs_both_directions_and_a_one_way_only_the_drawn_one() -> None:
    assert Route(id=1, name="Мира", coordinates=LINE).required_directions == (0, 1)
    assert Route(id=1, name="Мира", coordinates=LINE,
                 direction="as_drawn").required_directions == (0,)


def test_only_positions_outside_the_city_are_warned_about() -> None:
    """The warning counts the stray positions and shows the first one."""
    inside = Route(id=1, name="Мира", coordinates=LINE)
    assert inside.warnings() == []
    mixed = Route(id=1, name="Мира", coordinates=(LINE[0], *[(c[0], c[1])
                                                             for c in FAR_OUTSIDE_CITY]))
    assert mixed.warnings() == ["2 из 3 точек вне города (50.35–50.75 с. ш., 136.7–137.3 в. д.), "
                                "первая [135.07, 48.48]"]


def test_properties_become_a_route_with_defaults_and_the_rest_kept() -> None:
    """Known keys become fields (names and contractors trimmed, vehicles sorted and unique,
    whole floats as integers); unknown keys and nested ``properties`` are kept aside."""
    route = route_from_properties(4, LINE, {
        "name": " Мира ", "contractor": "  ", "assigned_vehicles": [5, 3, 5],
        "priority": 1.0, "district": "Центральный", "length_m": 999,
        "properties": {"lanes": 2, "district": "старый"}}, "объект 0")
    assert (route.id, route.name, route.contractor, route.assigned_vehicles, route.priority,
            route.treatment, route.passes_required, route.direction, route.half_width_m) == (
        4, "Мира", None, (3, 5), 1, "plough", 1, "both", 20.0)
    assert route.properties == {"lanes": 2, "district": "Центральный"}


def test_null_properties_take_the_defaults() -> None:
    route = route_from_properties(None, LINE, {"name": "Мира", "treatment": None,
                                               "priority": None, "half_width_m": None},
                                  "объект 0")
    assert (route.treatment, route.priority, route.half_width_m) == ("plough", 2, 20.0)


@pytest.mark.parametrize(("props", "message"), [
    ({"name": 5}, "'name' \\(название\\) должно быть непустой строкой"),
    ({"name": "Мира", "contractor": 7}, "'contractor' \\(подрядчик\\) — строка или null"),
    ({"name": "Мира", "priority": 1.5}, "'priority' — целое число, а не 1.5"),
    ({"name": "Мира", "priority": True}, "'priority' — целое число, а не True"),
    ({"name": "Мира", "half_width_m": math.nan}, "'half_width_m' — число, а не nan"),
    ({"name": "Мира", "assigned_vehicles": [0]}, "'assigned_vehicles' — список номеров машин"),
    ({"name": "Мира", "assigned_vehicles": 3}, "'assigned_vehicles'"),
    ({"name": "Мира", "direction": "north"}, "'direction' — одно из: both, as_drawn, а не"),
    ({"name": "Мира", "passes_required": 0}, "'passes_required' — от 1 до 20"),
])
def test_bad_properties_are_refused_under_the_caller_s_name(props: dict[str, Any],
                                                             message: str) -> None:
    """Every error, the model's own included, names the feature the way the caller does."""
    with pytest.raises(RouteError, match=message) as caught:
        route_from_properties(4, LINE, props, "объект 2 («Мира»)")
    assert caught.value.where == "объект 2 («Мира»)"
