"""The HTTP API over a seeded database: routes, marks, health, static files."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from db.seed import seed_demo
from db.storms import create_storm
from tests.conftest import Served, start_server, stop_server


@pytest.fixture()
def seeded_server(dsn: str, tmp_path: Path) -> Iterator[Served]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        seed_demo(cur)
    served = start_server(dsn, tmp_path)
    yield served
    stop_server(served)


def fetch(served: Served, path: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(served.base_url + path, timeout=10) as r:
            body = r.read()
            return r.status, json.loads(body) if "json" in r.headers["content-type"] else body
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_routes_are_served_as_linestring_features(seeded_server: Served) -> None:
    """Every seeded clearing route comes back as a LineString Feature with its attributes."""
    status, body = fetch(seeded_server, "/api/routes")
    assert status == 200 and body["type"] == "FeatureCollection"
    assert len(body["features"]) == 24
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "LineString"
    assert {"name", "treatment", "priority", "passes_required", "direction",
            "half_width_m"} <= set(feature["properties"])


def test_marks_are_served_with_layer_and_visibility(seeded_server: Served) -> None:
    """Marks carry their layer, status, text and public flag."""
    status, body = fetch(seeded_server, "/api/marks")
    assert status == 200
    layers = {f["properties"]["layer"] for f in body["features"]}
    assert layers == {"road_state", "broken_elevator", "flooded_basement"}


def test_health_and_missing_paths(seeded_server: Served) -> None:
    """/healthz reports the vehicles; unknown paths and folder listings are 404."""
    status, body = fetch(seeded_server, "/healthz")
    assert status == 200 and body == {"status": "ok", "vehicles": 84}
    assert fetch(seeded_server, "/static/")[0] == 404
    assert fetch(seeded_server, "/nope")[0] == 404
    assert fetch(seeded_server, "/static/vendor/leaflet/dist/leaflet.js")[0] == 200


def test_unchanged_poll_gets_304_by_etag(seeded_server: Served) -> None:
    """A poll that sends back the ETag of an unchanged answer gets an empty 304."""
    with urllib.request.urlopen(seeded_server.base_url + "/api/routes", timeout=10) as r:
        etag = r.headers["ETag"]
    assert etag
    request = urllib.request.Request(seeded_server.base_url + "/api/routes",
                                     headers={"If-None-Match": etag})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 304


def test_storms_list_and_one(seeded_server: Served) -> None:
    """Declared storms, newest first, with their windows and norms; an unknown id is a 404."""
    with psycopg2.connect(seeded_server.dsn) as conn, conn.cursor() as cur:
        old = create_storm(cur, "Старый", datetime(2026, 1, 2, tzinfo=UTC))
        new = create_storm(cur, "Новый", datetime(2026, 2, 2, tzinfo=UTC), norms_h={1: 4.0})
    status, storms = fetch(seeded_server, "/api/storms")
    assert status == 200 and [s["id"] for s in storms][:2] == [new, old]
    assert storms[0]["started_at"] == "2026-02-02T00:00:00+00:00"
    assert storms[0]["norms_h"] == {"1": 4.0} and storms[0]["closed_at"] is None
    assert fetch(seeded_server, f"/api/storms/{old}")[1]["name"] == "Старый"
    assert fetch(seeded_server, "/api/storms/999999")[0] == 404
