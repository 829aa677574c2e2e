"""The bin over HTTP: deleted routes and marks are listed, restored; versions are served."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Served
from tests.dispatch.geometry_fixtures import L_SHAPED, STRAIGHT_EAST_1KM, line_feature
from tests.maps.auth.test_sign_in import call


def body(served: Served, method: str, path: str, payload: Any = None,
         auth: dict[str, str] | None = None, status: int = 200) -> Any:
    got, _, raw = call(served, method, path, payload, headers=auth or {})
    assert got == status, raw
    return json.loads(raw) if raw else None


def test_a_deleted_route_is_in_the_bin_with_who_and_when_and_comes_back(
        signed_in: tuple[Served, dict[str, str]]) -> None:
    served, auth = signed_in
    kept = body(served, "POST", "/api/routes", line_feature(L_SHAPED, "ул. Мира"), auth, 201)
    gone = body(served, "POST", "/api/routes", line_feature(STRAIGHT_EAST_1KM, "ул. Ленина"),
                auth, 201)
    body(served, "DELETE", f"/api/routes/{gone['id']}", auth=auth, status=204)
    body(served, "DELETE", f"/api/routes/{gone['id']}", auth=auth, status=404)

    assert [f["id"] for f in body(served, "GET", "/api/routes")["features"]] == [kept["id"]]
    [binned] = body(served, "GET", "/api/routes?deleted=true")["features"]
    assert (binned["id"], binned["properties"]["deleted_by"]) == (gone["id"], "kuznetsova")
    assert binned["properties"]["deleted_at"] is not None
    body(served, "GET", f"/api/routes/{gone['id']}", status=404)
    body(served, "PUT", f"/api/routes/{gone['id']}", {"properties": {"priority": 1}}, auth, 404)

    body(served, "POST", f"/api/routes/{gone['id']}/restore", status=401)
    restored = body(served, "POST", f"/api/routes/{gone['id']}/restore", auth=auth)
    assert (restored["id"], restored["properties"]["deleted_at"]) == (gone["id"], None)
    assert sorted(f["id"] for f in body(served, "GET", "/api/routes")["features"]) == sorted(
        [kept["id"], gone["id"]])
    assert body(served, "GET", "/api/routes?deleted=true")["features"] == []
    body(served, "POST", f"/api/routes/{gone['id']}/restore", auth=auth, status=404)


def test_versions_are_served_and_coverage_names_the_version_it_used(
        signed_in: tuple[Served, dict[str, str]]) -> None:
    served, auth = signed_in
    route = body(served, "POST", "/api/routes", line_feature(STRAIGHT_EAST_1KM, "ул. Ленина"),
                 auth, 201)
    assert route["properties"]["version"] == 1
    changed = body(served, "PUT", f"/api/routes/{route['id']}",
                   {"properties": {"half_width_m": 12}}, auth)
    assert changed["properties"]["version"] == 2
    noted = body(served, "PUT", f"/api/routes/{route['id']}",
                 {"properties": {"properties": {"note": "по заявке"}}}, auth)
    assert noted["properties"]["version"] == 2

    history = body(served, "GET", f"/api/routes/{route['id']}/versions")["features"]
    assert [(f["id"], f["properties"]["half_width_m"], f["properties"]["changed_by"])
            for f in history] == [(f"{route['id']}:1", 20.0, "kuznetsova"),
                                  (f"{route['id']}:2", 12.0, "kuznetsova")]
    assert history[0]["properties"]["valid_to"] == history[1]["properties"]["valid_from"]
    assert history[1]["properties"]["valid_to"] is None
    body(served, "GET", "/api/routes/999/versions", status=404)

    coverage = body(served, "GET", f"/api/routes/{route['id']}/coverage")
    assert (coverage["route"]["id"], coverage["route"]["version"]) == (route["id"], 2)
    assert {f["properties"]["route_version"] for f in coverage["features"]} == {2}


def test_a_deleted_mark_is_in_the_bin_and_comes_back(
        signed_in: tuple[Served, dict[str, str]]) -> None:
    served, auth = signed_in
    mark = body(served, "POST", "/api/marks",
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [137.0, 50.55]},
                 "properties": {"layer": "road_state", "text": "гололёд"}}, auth, 201)
    body(served, "DELETE", f"/api/marks/{mark['id']}", auth=auth, status=204)
    assert body(served, "GET", "/api/marks")["features"] == []
    body(served, "GET", f"/api/marks/{mark['id']}", status=404)
    [binned] = body(served, "GET", "/api/marks?deleted=true")["features"]
    assert (binned["id"], binned["properties"]["deleted_by"]) == (mark["id"], "kuznetsova")
    restored = body(served, "POST", f"/api/marks/{mark['id']}/restore", auth=auth)
    assert (restored["id"], restored["properties"]["text"]) == (mark["id"], "гололёд")
    assert [f["id"] for f in body(served, "GET", "/api/marks")["features"]] == [mark["id"]]
    body(served, "POST", f"/api/marks/{mark['id']}/restore", auth=auth, status=404)
    body(served, "POST", f"/api/marks/{mark['id']}/other", auth=auth, status=404)
