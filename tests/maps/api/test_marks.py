"""Marks through the HTTP API, signed in as a dispatcher."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Served, start_server, stop_server
from tests.maps.auth.test_sign_in import add_user, call, sign_in


@pytest.fixture()
def signed_in(dsn: str, tmp_path: Path) -> Iterator[tuple[Served, dict[str, str]]]:
    add_user(dsn, "sidorova", "metel-2026!", "dispatcher")
    served = start_server(dsn, tmp_path)
    yield served, sign_in(served, "sidorova", "metel-2026!")
    stop_server(served)


def test_mark_lifecycle(signed_in: tuple[Served, dict[str, str]]) -> None:
    """Create, read, close and delete a flooded-basement mark; authorship is recorded."""
    served, auth = signed_in
    body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [137.01, 50.55]},
            "properties": {"layer": "flooded_basement", "text": "Подвал, пр. Мира 12",
                           "public": True}}
    status, _, raw = call(served, "POST", "/api/marks", body, headers=auth)
    assert status == 201, raw
    created = json.loads(raw)
    assert created["properties"]["created_by"] == "sidorova"
    mark_id = created["id"]

    status, _, raw = call(served, "PUT", f"/api/marks/{mark_id}",
                          {"properties": {"status": "resolved"}}, headers=auth)
    assert status == 200 and json.loads(raw)["properties"]["status"] == "resolved"
    active = json.loads(call(served, "GET", "/api/marks?active=1")[2])
    assert active["features"] == []

    assert call(served, "DELETE", f"/api/marks/{mark_id}", headers=auth)[0] == 204
    assert call(served, "GET", f"/api/marks/{mark_id}")[0] == 404


def test_invalid_mark_gets_400_naming_the_field(signed_in: tuple[Served, dict[str, str]]) -> None:
    """A point mark sent with lat/lon swapped is refused with a message about the geometry."""
    served, auth = signed_in
    body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [50.55, 137.01]},
            "properties": {"layer": "broken_elevator"}}
    status, _, raw = call(served, "POST", "/api/marks", body, headers=auth)
    assert status == 400 and json.loads(raw)["detail"] == {"field": "geometry"}
    status, _, raw = call(served, "POST", "/api/marks", None, headers=auth)
    assert status == 400
