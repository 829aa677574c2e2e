"""Clearing routes through the HTTP API: create, read, update, delete, import, validation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Served
from tests.dispatch.geometry_fixtures import (
    FAR_OUTSIDE_CITY,
    POINT_GEOMETRY,
    STRAIGHT_EAST_1KM,
    ZERO_LENGTH,
    line_feature,
)
from tests.maps.auth.test_sign_in import call


def body_of(raw: bytes) -> Any:
    return json.loads(raw)


def test_route_lifecycle_create_read_update_delete(
        signed_in: tuple[Served, dict[str, str]]) -> None:
    """A route posted as a Feature is listed, read, changed and deleted like any resource."""
    served, auth = signed_in
    feature = line_feature(STRAIGHT_EAST_1KM, "ул. Ленина", treatment="plough", priority=1,
                           passes_required=2, direction="both", contractor="ООО «Дорожник-27»")
    status, _, raw = call(served, "POST", "/api/routes", feature, headers=auth)
    assert status == 201, raw
    created = body_of(raw)
    route_id = created["id"]
    assert "warnings" not in created
    props = created["properties"]
    assert props["name"] == "ул. Ленина" and props["passes_required"] == 2
    assert props["half_width_m"] == 20 and props["assigned_vehicles"] == []
    assert props["length_m"] == pytest.approx(1000.0, rel=0.005)

    listed = body_of(call(served, "GET", "/api/routes")[2])
    assert listed["type"] == "FeatureCollection"
    assert [f["id"] for f in listed["features"]] == [route_id]
    assert {"name", "treatment", "priority", "passes_required", "direction", "half_width_m",
            "contractor", "properties", "updated_at"} <= set(listed["features"][0]["properties"])

    status, _, raw = call(served, "PUT", f"/api/routes/{route_id}",
                          {"properties": {"direction": "as_drawn", "half_width_m": 18}},
                          headers=auth)
    assert status == 200, raw
    changed = body_of(raw)["properties"]
    assert changed["direction"] == "as_drawn" and changed["half_width_m"] == 18
    assert changed["name"] == "ул. Ленина"
    assert body_of(call(served, "GET", f"/api/routes/{route_id}")[2])["geometry"] == \
        created["geometry"]

    assert call(served, "DELETE", f"/api/routes/{route_id}", headers=auth)[0] == 204
    assert call(served, "GET", f"/api/routes/{route_id}")[0] == 404
    assert call(served, "DELETE", f"/api/routes/{route_id}", headers=auth)[0] == 404


def test_zero_length_line_is_refused_naming_the_feature(
        signed_in: tuple[Served, dict[str, str]]) -> None:
    """A line of two equal positions gets 400 with the feature's name in the error."""
    served, auth = signed_in
    status, _, raw = call(served, "POST", "/api/routes", line_feature(ZERO_LENGTH, "Тупик"),
                          headers=auth)
    assert status == 400
    error = body_of(raw)
    assert "Тупик" in error["error"] and "нулевая длина" in error["error"]
    assert error["detail"]["problem"] == "у линии нулевая длина"


def test_non_line_geometry_is_refused_naming_the_feature(
        signed_in: tuple[Served, dict[str, str]]) -> None:
    """A Point is not a route: 400, and the message says what was expected."""
    served, auth = signed_in
    feature = {"type": "Feature", "geometry": POINT_GEOMETRY, "properties": {"name": "Точка"}}
    status, _, raw = call(served, "POST", "/api/routes", feature, headers=auth)
    assert status == 400
    assert "Точка" in body_of(raw)["error"] and "LineString" in body_of(raw)["error"]


def test_route_far_outside_the_city_is_stored_with_a_warning(
        signed_in: tuple[Served, dict[str, str]]) -> None:
    """A valid line in Khabarovsk is accepted, and the response warns about it."""
    served, auth = signed_in
    status, _, raw = call(served, "POST", "/api/routes",
                          line_feature(FAR_OUTSIDE_CITY, "Хабаровск"), headers=auth)
    assert status == 201
    (warning,) = body_of(raw)["warnings"]
    assert "вне города" in warning


def test_collection_import_is_all_or_nothing_and_names_the_bad_feature(
        signed_in: tuple[Served, dict[str, str]]) -> None:
    """One bad feature in a FeatureCollection refuses the lot, naming its index."""
    served, auth = signed_in
    good = line_feature(STRAIGHT_EAST_1KM, "Первая")
    bad = {"type": "Feature", "geometry": POINT_GEOMETRY, "properties": {"name": "Вторая"}}
    status, _, raw = call(served, "POST", "/api/routes",
                          {"type": "FeatureCollection", "features": [good, bad]}, headers=auth)
    assert status == 400 and body_of(raw)["detail"]["feature"].startswith("объект 1")
    assert body_of(call(served, "GET", "/api/routes")[2])["features"] == []

    status, _, raw = call(served, "POST", "/api/routes", {
        "type": "FeatureCollection",
        "features": [good, line_feature(FAR_OUTSIDE_CITY, "Далеко")]}, headers=auth)
    assert status == 201
    created = body_of(raw)
    assert len(created["features"]) == 2
    assert [w["feature"] for w in created["warnings"]] == [1]


def test_download_export_round_trips_through_import(
        signed_in: tuple[Served, dict[str, str]]) -> None:
    """``?download=1`` gives a GeoJSON file that can be posted back as is."""
    served, auth = signed_in
    call(served, "POST", "/api/routes", line_feature(STRAIGHT_EAST_1KM, "Мира"), headers=auth)
    status, headers, raw = call(served, "GET", "/api/routes?download=1")
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    document = json.loads(raw)
    status, _, _ = call(served, "POST", "/api/routes", document, headers=auth)
    assert status == 201
    assert len(body_of(call(served, "GET", "/api/routes")[2])["features"]) == 2


def test_writes_need_a_signed_in_dispatcher(signed_in: tuple[Served, dict[str, str]]) -> None:
    """Anonymous visitors may read routes but not create them."""
    served, _ = signed_in
    assert call(served, "GET", "/api/routes")[0] == 200
    status, _, _ = call(served, "POST", "/api/routes", line_feature(STRAIGHT_EAST_1KM, "x"))
    assert status in (401, 403)


def test_bad_ids_and_paths_are_json_errors(signed_in: tuple[Served, dict[str, str]]) -> None:
    """Non-numeric ids are 400, unknown sub-resources 404, both as JSON errors."""
    served, _ = signed_in
    status, _, raw = call(served, "GET", "/api/routes/abc")
    assert status == 400 and "error" in body_of(raw)
    status, _, raw = call(served, "GET", "/api/routes/1/nothing")
    assert status == 404 and "error" in body_of(raw)
    status, _, raw = call(served, "GET", "/api/routes/999/coverage")
    assert status == 404 and body_of(raw)["error"] == "no such route"
