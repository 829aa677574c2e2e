"""``/api/vehicles`` and ``/healthz`` against the served process: the live state, a vehicle's
track as points with its stops and trips, the window and format checks, and health."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import Served
from tests.egts_terminal import EgtsTerminal
from tests.maps.auth.test_sign_in import call
from tests.served_pages import api

TID = 777005
T0 = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)
WINDOW = "from=2026-02-03T16:00&to=2026-02-03T18:00"  # Vladivostok wall time: 06:00-08:00 UTC


def drive(served: Served, fixes: list[dict[str, Any]]) -> int:
    """A terminal that registers on sight sends ``fixes``; its vehicle's id."""
    terminal = EgtsTerminal(served.egts_port)
    terminal.login(TID, None)
    terminal.send_fixes(TID, fixes)
    terminal.read_reply()
    terminal.close()
    [vehicle] = api(served, "GET", "/api/vehicles", None)[1]["features"]
    vehicle_id: int = vehicle["id"]
    return vehicle_id


def fix(seconds: float, speed_kmh: float, din: int = 0) -> dict[str, Any]:
    return {"time": T0 + timedelta(seconds=seconds), "lat": 50.55 + seconds * 1e-5,
            "lon": 137.0, "speed_kmh": speed_kmh, "course": 90, "vld": True, "din": din}


def test_the_live_state_is_a_feature_collection_stamped_now(
        signed_in: tuple[Served, dict[str, str]]) -> None:
    served, auth = signed_in
    before = datetime.now(UTC)
    status, headers, body = call(served, "GET", "/api/vehicles", headers=auth)
    answer = json.loads(body)
    assert (status, answer["type"], answer["features"]) == (200, "FeatureCollection", [])
    assert before - timedelta(seconds=1) <= datetime.fromisoformat(answer["generated_at"]) \
        <= datetime.now(UTC)
    assert headers["Vary"] == "Cookie"


def test_a_track_as_points_has_one_feature_per_fix_and_its_legs(
        signed_in: tuple[Served, dict[str, str]]) -> None:
    served, auth = signed_in
    vehicle_id = drive(served, [fix(0, 20.0), fix(10, 20.0, din=1), fix(20, 0.0)])
    status, track = api(served, "GET", f"/api/vehicles/{vehicle_id}/track?{WINDOW}&as=points",
                        auth)
    assert status == 200
    assert (track["vehicle_id"], track["fixes"], track["from"], track["to"],
            track["max_gap_s"]) == (vehicle_id, 3, "2026-02-03T16:00:00+10:00",
                                    "2026-02-03T18:00:00+10:00", 300.0)
    assert [(f["geometry"]["type"], f["properties"]["time"], f["properties"]["inputs"])
            for f in track["features"]] == [
        ("Point", "2026-02-03T07:00:00+00:00", 0), ("Point", "2026-02-03T07:00:10+00:00", 1),
        ("Point", "2026-02-03T07:00:20+00:00", 0)]
    assert [leg["start"] for leg in track["legs"]] == ["2026-02-03T07:00:00+00:00"]
    assert track["legs"][0]["end"] == "2026-02-03T07:00:20+00:00"


def test_the_window_defaults_to_the_day_before_to(
        signed_in: tuple[Served, dict[str, str]]) -> None:
    served, auth = signed_in
    vehicle_id = drive(served, [fix(0, 20.0), fix(10, 20.0)])
    path = f"/api/vehicles/{vehicle_id}/track?to=2026-02-04T07:00:00Z"
    track = api(served, "GET", path, auth)[1]
    assert (track["from"], track["fixes"]) == ("2026-02-03T07:00:00+00:00", 2)
    later = api(served, "GET", f"/api/vehicles/{vehicle_id}/track?to=2026-02-04T07:00:01Z",
                auth)[1]
    assert later["fixes"] == 1  # the first fix is now more than a day before ``to``


def test_a_download_is_named_after_the_vehicle_and_the_local_window(
        signed_in: tuple[Served, dict[str, str]]) -> None:
    served, auth = signed_in
    vehicle_id = drive(served, [fix(0, 20.0)])
    status, headers, _ = call(served, "GET",
                              f"/api/vehicles/{vehicle_id}/track?{WINDOW}&format=gpx",
                              headers=auth)
    assert (status, headers["Content-Disposition"]) == (
        200, f'attachment; filename="track-{vehicle_id}-20260203-1600-20260203-1800.gpx"')


def test_bad_track_requests_say_what_is_wrong(
        signed_in: tuple[Served, dict[str, str]]) -> None:
    served, auth = signed_in
    vehicle_id = drive(served, [fix(0, 20.0)])
    track = f"/api/vehicles/{vehicle_id}/track"
    for path, status, error in (
            (f"{track}?from=2026-02-03T18:00&to=2026-02-03T16:00", 400, "'from' is after 'to'"),
            (f"{track}?format=kml", 400, "format must be geojson, gpx or csv"),
            (f"/api/vehicles/{vehicle_id}/trail", 404, "no such resource"),
            (f"{track}/extra", 404, "no such resource"),
            ("/api/vehicles/plough/track", 400, "vehicle id must be an integer"),
            (f"/api/vehicles/{vehicle_id + 1}/track", 404, "no such vehicle")):
        answered, reply = api(served, "GET", path, auth)
        assert (answered, reply["error"]) == (status, error), path


def test_health_counts_the_vehicles(signed_in: tuple[Served, dict[str, str]]) -> None:
    served, _ = signed_in
    assert api(served, "GET", "/healthz", None) == (200, {"status": "ok", "vehicles": 0})
    drive(served, [fix(0, 20.0)])
    assert api(served, "GET", "/healthz", None) == (200, {"status": "ok", "vehicles": 1})
