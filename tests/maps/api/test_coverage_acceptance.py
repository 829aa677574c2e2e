"""Acceptance: routes posted through the API, driven over EGTS, judged by the coverage API.

A new user's check of route coverage: a dispatcher posts five streets; three ploughs, each with its
blade on digital input 1 (``vehicles.equipment = {"input": 1}``), drive scenarios over them
through the test terminal (a second EGTS implementation, ``tests.egts_terminal``); the coverage
API must report each scenario's served length within 3 % of the truth, the crossed and the
parallel street at 0 %, and the stretch where the terminal fell silent as unknown. A terminal
reporting every second with 6 m of GPS noise is served within 3 % too, and fixes timed an hour
ahead of their arrival are stored but never credited.
"""

from __future__ import annotations

import json
import math
import random
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg2
import pytest

from db import terminals as terminal_registry
from db import vehicles as vehicle_registry
from db.cluster import LocalCluster
from tests.dispatch.synthetic import lonlat
from tests.dispatch_support import SignedIn, signed_in_server
from tests.egts_terminal import EgtsTerminal
from tests.maps.auth.test_sign_in import call

T0 = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)
SPEED_KMH = 36.0  # 10 m/s: with a fix every 5 s, fixes fall every 50 m
BLADE = 0b1  # digital input 1


def street(name: str, a: tuple[float, float], b: tuple[float, float],
           **props: Any) -> dict[str, Any]:
    return {"type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [list(lonlat(*a)),
                                                               list(lonlat(*b))]},
            "properties": {"name": name, "treatment": "plough", **props}}


STREETS = {
    "driven": street("ул. Ленина", (0, 0), (1000, 0), direction="both"),
    "crossed": street("ул. Пионерская", (500, -500), (500, 500), direction="both"),
    "parallel": street("ул. Парковая", (0, 30), (1000, 30), direction="both"),
    "gap": street("ул. Северная", (0, 600), (1000, 600), direction="as_drawn"),
    "blade_up": street("ул. Заводская", (0, -600), (1000, -600), direction="both"),
    "dense": street("ул. Мира", (0, 1200), (1000, 1200), direction="both"),
    "future": street("ул. Школьная", (0, 1800), (1000, 1800), direction="as_drawn"),
}
#: Fix times of the "future" street: an hour after the fixes actually arrive.
AHEAD = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)


def drive(path: list[tuple[float, float]], start: datetime, din: int,
          skip: tuple[float, float] | None = None, every_s: int = 5,
          noise_m: float = 0.0) -> list[dict[str, Any]]:
    """Fixes every ``every_s`` seconds at 36 km/h along a metric path, with Gaussian noise of
    ``noise_m`` per axis (seeded); those strictly inside ``skip`` (metres along the path) are
    never sent, as when the terminal loses its GSM link."""
    noise = random.Random(7)
    step = SPEED_KMH / 3.6 * every_s
    fixes, travelled, t = [], 0.0, start
    for (x0, y0), (x1, y1) in zip(path, path[1:], strict=False):
        length = math.hypot(x1 - x0, y1 - y0)
        course = int(round(math.degrees(math.atan2(x1 - x0, y1 - y0)))) % 360
        steps = int(round(length / step))
        for k in range(steps):
            along = travelled + step * k
            if skip is None or not skip[0] < along < skip[1]:
                lon, lat = lonlat(x0 + (x1 - x0) * k / steps + noise.gauss(0, noise_m),
                                  y0 + (y1 - y0) * k / steps + noise.gauss(0, noise_m))
                fixes.append({"time": t, "lat": lat, "lon": lon, "speed_kmh": SPEED_KMH,
                              "course": course, "vld": True, "din": din, "mv": True})
            t += timedelta(seconds=every_s)
        travelled += length
    return fixes


def register_plough(dsn: str, tid: int) -> int:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        vehicle_id = vehicle_registry.add_vehicle(cur, f"КДМ {tid}", "plow", None,
                                                  "ООО «Дорожник-27»", equipment_input=1)
        terminal_registry.add_terminal(cur, "egts", str(tid), None, vehicle_id)
    conn.close()
    return vehicle_id


def send(port: int, tid: int, fixes: list[dict[str, Any]]) -> None:
    """Log in and send the fixes ten per packet, each packet acknowledged after storage."""
    terminal = EgtsTerminal(port)
    try:
        _, result = terminal.login(tid, None)
        assert result.result_code == 0
        for i in range(0, len(fixes), 10):
            pid, rns = terminal.send_fixes(tid, fixes[i:i + 10])
            reply = terminal.read_reply()
            assert reply.rpid == pid and reply.confirmed == [(rn, 0) for rn in rns]
    finally:
        terminal.close()


@pytest.fixture(scope="module")
def city(postgis_cluster: LocalCluster,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SignedIn, dict[str, int]]]:
    """Streets posted, three ploughs registered, the scenarios driven over EGTS."""
    for signed in signed_in_server(postgis_cluster, tmp_path_factory.mktemp("acceptance")):
        served = signed.served
        ids = {}
        for key, feature in STREETS.items():
            status, _, raw = call(served, "POST", "/api/routes", feature, headers=signed.auth)
            assert status == 201, raw
            ids[key] = json.loads(raw)["id"]
        east_west = [(-50.0, 0.0), (1050.0, 0.0), (1050.0, 3.0), (-50.0, 3.0)]
        register_plough(served.dsn, 501)
        send(served.egts_port, 501, drive(east_west, T0, BLADE))
        register_plough(served.dsn, 502)
        send(served.egts_port, 502, drive([(-50.0, 600.0), (1050.0, 600.0)], T0, BLADE,
                                          skip=(350.0, 700.0)))
        register_plough(served.dsn, 503)
        send(served.egts_port, 503, drive([(-50.0, -600.0), (1050.0, -600.0),
                                           (1050.0, -597.0), (-50.0, -597.0)], T0, 0))
        register_plough(served.dsn, 504)  # deadheading with the blade down, off every route
        send(served.egts_port, 504, drive([(600.0, -300.0), (1600.0, -300.0)], T0, BLADE))
        register_plough(served.dsn, 505)
        send(served.egts_port, 505, drive([(-50.0, 1200.0), (1050.0, 1200.0), (1050.0, 1203.0),
                                           (-50.0, 1203.0)], T0, BLADE, every_s=1,
                                          noise_m=6.0))
        register_plough(served.dsn, 506)
        send(served.egts_port, 506, drive([(-50.0, 1800.0), (1050.0, 1800.0)], AHEAD, BLADE))
        yield signed, ids


def coverage(served: Any, path: str, start: datetime = T0) -> dict[str, Any]:
    query = urllib.parse.urlencode({"from": (start - timedelta(minutes=5)).isoformat(),
                                    "to": (start + timedelta(hours=1)).isoformat()})
    status, _, raw = call(served, "GET", f"{path}?{query}")
    assert status == 200, raw
    body: dict[str, Any] = json.loads(raw)
    return body


def test_street_driven_both_ways_is_served_within_3_percent(
        city: tuple[SignedIn, dict[str, int]]) -> None:
    """Truth 1000 m served both ways; the API reports it within 3 %, with its evidence."""
    signed, ids = city
    doc = coverage(signed.served, f"/api/routes/{ids['driven']}/coverage")
    assert doc["state_m"]["served"] == pytest.approx(1000.0, rel=0.03)
    assert doc["serviced"] is True
    (stretch,) = [f for f in doc["features"] if f["properties"]["state"] == "served"]
    props = stretch["properties"]
    assert props["passes"] == {"as_drawn": 1, "against": 1}
    assert [v["name"] for v in props["vehicles"]] == ["КДМ 501"]
    assert {p["sensor"] for p in props["evidence"]["passes"]} == {"input 1 on"}
    assert doc["parameters"]["max_pair_gap_s"] == 60.0
    assert stretch["geometry"]["type"] == "LineString"
    lon, lat = stretch["geometry"]["coordinates"][0]
    assert 136.7 < lon < 137.3 and 50.35 < lat < 50.75
    assert datetime.fromisoformat(props["last_service"]).utcoffset() == timedelta(0)


def test_fixes_every_second_with_noise_are_served_within_3_percent(
        city: tuple[SignedIn, dict[str, int]]) -> None:
    """A 1 Hz terminal with 6 m of noise: 10 m between fixes, yet served within 3 %."""
    signed, ids = city
    doc = coverage(signed.served, f"/api/routes/{ids['dense']}/coverage")
    assert doc["state_m"]["served"] == pytest.approx(1000.0, rel=0.03)
    assert doc["state_m"]["not_served"] == 0.0


def test_fixes_timed_ahead_of_their_arrival_are_never_credited(
        city: tuple[SignedIn, dict[str, int]]) -> None:
    """Stamped an hour after they arrived: stored, counted in the data quality, not credited."""
    signed, ids = city
    doc = coverage(signed.served, f"/api/routes/{ids['future']}/coverage", AHEAD)
    assert doc["state_m"]["not_served"] == pytest.approx(1000.0, abs=1.0)
    assert doc["data_quality"]["FUTURE_TIME"] == doc["data_quality"]["fixes"] == 22


def test_crossed_and_parallel_streets_are_0_percent(
        city: tuple[SignedIn, dict[str, int]]) -> None:
    """The perpendicular street crossed mid-way and the one 30 m away get nothing."""
    signed, ids = city
    doc = coverage(signed.served, "/api/coverage")
    by_id = {r["route"]["id"]: r for r in doc["routes"]}
    for key in ("crossed", "parallel"):
        state = by_id[ids[key]]["state_m"]
        assert state["served"] == 0.0 and state["partial"] == 0.0, (key, state)


def test_data_gap_is_unknown_and_the_rest_served_within_3_percent(
        city: tuple[SignedIn, dict[str, int]]) -> None:
    """Silence over 350 m is unknown (never served); the 650 m driven are served within 3 %."""
    signed, ids = city
    doc = coverage(signed.served, f"/api/routes/{ids['gap']}/coverage")
    assert doc["state_m"]["served"] == pytest.approx(650.0, rel=0.03)
    assert doc["state_m"]["unknown"] == pytest.approx(350.0, abs=20.0)
    (gap,) = [f["properties"] for f in doc["features"] if f["properties"]["state"] == "unknown"]
    assert gap["reason"] == "gap" and gap["evidence"]["gaps"][0]["gap_m"] == pytest.approx(350, 1)


def test_blade_up_is_not_served(city: tuple[SignedIn, dict[str, int]]) -> None:
    """Driven both ways with input 1 clear: nothing served."""
    signed, ids = city
    doc = coverage(signed.served, f"/api/routes/{ids['blade_up']}/coverage")
    assert doc["state_m"]["served"] == 0.0
    assert doc["state_m"]["not_served"] == pytest.approx(1000.0, rel=0.01)


def test_all_routes_document_has_contractors_vehicles_and_totals(
        city: tuple[SignedIn, dict[str, int]]) -> None:
    """/api/coverage summarises per route, vehicle and contractor with the parameters used."""
    signed, _ = city
    doc = coverage(signed.served, "/api/coverage")
    assert len(doc["routes"]) == len(STREETS) and doc["type"] == "FeatureCollection"
    assert {v["name"] for v in doc["vehicles"]} == {"КДМ 501", "КДМ 502", "КДМ 505"}
    (contractor,) = doc["contractors"]
    assert contractor["worked_m"] > 3500
    assert doc["totals"]["length_m"] == pytest.approx(7000.0, rel=0.01)
    assert doc["parameters"]["engine"] == "coverage/2"


def test_bad_window_is_a_json_400(city: tuple[SignedIn, dict[str, int]]) -> None:
    """'from' after 'to' and unparsable times are refused with a JSON error."""
    signed, _ = city
    status, _, raw = call(signed.served, "GET", "/api/coverage?from=2026-02-04T00:00:00Z"
                                                "&to=2026-02-03T00:00:00Z")
    assert status == 400 and json.loads(raw)["error"] == "'from' is after 'to'"
    status, _, raw = call(signed.served, "GET", "/api/coverage?from=yesterday")
    assert status == 400 and "ISO 8601" in json.loads(raw)["error"]


def test_unencoded_plus_in_an_offset_is_understood(city: tuple[SignedIn, dict[str, int]]) -> None:
    """'+10:00' typed into a URL arrives as a space; the window still parses."""
    signed, ids = city
    status, _, raw = call(signed.served, "GET", f"/api/routes/{ids['driven']}/coverage"
                                                "?from=2026-02-03T16:55:00+10:00"
                                                "&to=2026-02-03T18:00:00+10:00")
    assert status == 200, raw
    assert json.loads(raw)["from"] == "2026-02-03T06:55:00+00:00"


def test_events_api_reports_blade_down_off_every_route(
        city: tuple[SignedIn, dict[str, int]]) -> None:
    """/api/events finds the plough that drove 1 km off the routes with its blade down."""
    signed, _ = city
    doc = coverage(signed.served, "/api/events")
    assert doc["type"] == "FeatureCollection" and "off_route_min_m" in doc["parameters"]
    (event,) = [f["properties"] for f in doc["features"]
                if f["properties"]["kind"] == "equipment_on_off_route"]
    assert event["vehicle"] == "КДМ 504"
    assert event["distance_m"] == pytest.approx(950.0, abs=60.0)
    assert datetime.fromisoformat(event["started"]) >= T0
