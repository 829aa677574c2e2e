"""Routes in GeoJSON: what a feature or collection is refused for, what is warned, what
round-trips, and how every error names its feature."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dispatch.route_geojson import (
    FeatureErrors,
    parse_feature,
    parse_feature_collection,
    route_feature,
)
from dispatch.routes import Route, RouteError
from tests.dispatch.geometry_fixtures import (
    DENSE_VERTICES,
    EMPTY_LINE_GEOMETRY,
    FAR_OUTSIDE_CITY,
    HAIRPIN,
    L_SHAPED,
    MULTILINE_GEOMETRY,
    ONE_POSITION,
    POINT_GEOMETRY,
    POLYGON_GEOMETRY,
    REPEATED_VERTICES,
    SELF_TOUCHING_LOOP,
    STRAIGHT_EAST_1KM,
    SUB_METRE,
    ZERO_LENGTH,
    line_feature,
    wgs84,
)


@pytest.mark.parametrize("shape", [STRAIGHT_EAST_1KM, L_SHAPED, DENSE_VERTICES,
                                   REPEATED_VERTICES, SELF_TOUCHING_LOOP, HAIRPIN])
def test_canonical_shapes_are_valid_routes(shape: tuple[tuple[float, float], ...]) -> None:
    """Straight, bent, dense, repeated-vertex, self-touching and hairpin lines are accepted."""
    parsed = parse_feature(line_feature(shape), "feature 0")
    assert parsed.warnings == ()
    assert len(parsed.route.coordinates) == len(shape)


@pytest.mark.parametrize("shape", [ZERO_LENGTH, SUB_METRE])
def test_zero_length_lines_are_refused(shape: tuple[tuple[float, float], ...]) -> None:
    """A line shorter than a metre cannot be measured and is refused."""
    with pytest.raises(RouteError, match="нулевая длина"):
        parse_feature(line_feature(shape), "feature 0")


@pytest.mark.parametrize("geometry", [POINT_GEOMETRY, POLYGON_GEOMETRY, MULTILINE_GEOMETRY,
                                      EMPTY_LINE_GEOMETRY, None])
def test_non_line_geometry_is_refused(geometry: dict[str, Any] | None) -> None:
    """Only a LineString with at least two positions is a route."""
    feature = {"type": "Feature", "geometry": geometry, "properties": {"name": "x"}}
    with pytest.raises(RouteError):
        parse_feature(feature, "feature 0")


def test_single_position_is_refused() -> None:
    """A LineString of one position is refused with a message that says so."""
    with pytest.raises(RouteError, match="не меньше двух точек"):
        parse_feature(line_feature(ONE_POSITION), "feature 0")


def test_far_outside_the_city_is_accepted_with_a_warning() -> None:
    """A valid line in Khabarovsk passes, with a warning that names the first stray position."""
    parsed = parse_feature(line_feature(FAR_OUTSIDE_CITY), "feature 0")
    (warning,) = parsed.warnings
    assert "вне города" in warning and "135.07" in warning


def test_lat_lon_swapped_is_refused_as_out_of_range() -> None:
    """[lat, lon] order puts 137 in the latitude slot: refused, not silently stored."""
    swapped = [[lat, lon] for lon, lat in wgs84(STRAIGHT_EAST_1KM)]
    with pytest.raises(RouteError, match="не \\[долгота, широта\\]"):
        parse_feature(line_feature(swapped), "feature 0")


@pytest.mark.parametrize(("props", "message"), [
    ({"treatment": "salt"}, "treatment"), ({"priority": 4}, "priority"),
    ({"passes_required": 0}, "passes_required"), ({"direction": "north"}, "direction"),
    ({"half_width_m": -3}, "half_width_m"), ({"assigned_vehicles": ["a"]}, "assigned_vehicles"),
    ({"name": ""}, "name"),
])
def test_bad_properties_are_refused_naming_the_property(props: dict[str, Any],
                                                        message: str) -> None:
    """Each bad property is named in the error."""
    feature = line_feature(STRAIGHT_EAST_1KM, "Мира")
    feature["properties"].update(props)
    with pytest.raises(RouteError, match=message):
        parse_feature(feature, "feature 0")


def test_collection_error_names_index_name_and_line() -> None:
    """The error for the third feature says 'объект 2', its name and the line it starts on."""
    features = [line_feature(STRAIGHT_EAST_1KM, "Первая"), line_feature(L_SHAPED, "Вторая"),
                line_feature(ZERO_LENGTH, "Третья")]
    text = json.dumps({"type": "FeatureCollection", "features": features}, indent=1,
                      ensure_ascii=False)
    line = text.splitlines().index('  {') + 1
    starts = [i + 1 for i, row in enumerate(text.splitlines()) if row == "  {"]
    assert line == starts[0]
    with pytest.raises(RouteError) as caught:
        parse_feature_collection(text)
    assert caught.value.where == f"объект 2 («Третья», строка {starts[2]})"


def test_invalid_json_names_the_line() -> None:
    """A syntax error is reported with its line."""
    with pytest.raises(RouteError, match="строка 3"):
        parse_feature_collection('{\n "type": "FeatureCollection",\n "features": [,]\n}')


def test_feature_round_trips_through_geojson() -> None:
    """route_feature(route) parses back to an equal route (id included)."""
    route = Route(id=12, name="Ленина", coordinates=tuple((c[0], c[1]) for c in wgs84(L_SHAPED)),
                  treatment="spread", priority=1, passes_required=2, direction="as_drawn",
                  half_width_m=17.5, assigned_vehicles=(3, 5), contractor="МУП",
                  properties={"district": "Центральный"})
    again = parse_feature(route_feature(route), "feature 0").route
    assert again == route


def test_multilinestring_parts_become_routes_of_their_own() -> None:
    """Each part of a MultiLineString is a route with the feature's properties and its part
    in the name; a one-part MultiLineString is an ordinary route, id and name kept."""
    parts = [wgs84(STRAIGHT_EAST_1KM), wgs84(L_SHAPED)]
    street = {"type": "Feature", "geometry": {"type": "MultiLineString", "coordinates": parts},
              "properties": {"name": "ул. Ленина", "priority": 1, "contractor": "ДРСУ-1"}}
    single = {"type": "Feature", "id": 7, "properties": {"name": "Мира"},
              "geometry": {"type": "MultiLineString", "coordinates": [wgs84(L_SHAPED)]}}
    parsed = parse_feature_collection(json.dumps(
        {"type": "FeatureCollection", "features": [street, single]}))
    assert [(p.index, p.route.id, p.route.name, p.route.priority, p.route.contractor)
            for p in parsed] == [(0, None, "ул. Ленина (участок 1 из 2)", 1, "ДРСУ-1"),
                                 (0, None, "ул. Ленина (участок 2 из 2)", 1, "ДРСУ-1"),
                                 (1, 7, "Мира", 2, None)]
    assert [list(map(list, p.route.coordinates)) for p in parsed[:2]] == parts


def test_every_bad_feature_is_reported_at_once() -> None:
    """Three bad features of five: one error each, in order, with index, name and line."""
    two_parts = {"type": "Feature", "id": 4, "properties": {"name": "Четвёртая"},
                 "geometry": {"type": "MultiLineString",
                              "coordinates": [wgs84(STRAIGHT_EAST_1KM), wgs84(L_SHAPED)]}}
    features = [line_feature(STRAIGHT_EAST_1KM, "Первая"), line_feature(ZERO_LENGTH, "Вторая"),
                {"type": "Feature", "geometry": POINT_GEOMETRY, "properties": {"name": "Третья"}},
                line_feature(L_SHAPED, "Пятая"), two_parts]
    text = json.dumps({"type": "FeatureCollection", "features": features}, indent=1,
                      ensure_ascii=False)
    starts = [i + 1 for i, row in enumerate(text.splitlines()) if row == "  {"]
    with pytest.raises(FeatureErrors) as caught:
        parse_feature_collection(text)
    assert [str(e) for e in caught.value.errors] == [
        f"объект 1 («Вторая», строка {starts[1]}): у линии нулевая длина",
        f"объект 2 («Третья», строка {starts[2]}): геометрия должна быть линией (LineString), "
        "а не 'Point'",
        f"объект 4 («Четвёртая», строка {starts[4]}): MultiLineString из 2 частей даёт 2 "
        "маршрута и не может заменить маршрут 4: уберите его 'id'"]
