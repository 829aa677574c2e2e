"""The storm room over HTTP: the clock of a storm in progress, its forecast and its metrics.

One served instance on a city of two streets. A plough ploughed ул. Ленина (class 1) one way a
few minutes ago and is standing past its end; ул. Северная (class 2, a norm of 1.1 h that runs
out six minutes from now) has no crew. The clock says: Северная at risk (nobody works it),
Ленина on track, expected cleared once the plough has come back along it. Bus line 5 runs
along Ленина, and bus ПАЗ 77 is on it now.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg2
import pytest

from db import terminals as terminal_registry
from db import transit as transit_db
from db import vehicles as vehicle_registry
from db.cluster import LocalCluster
from tests.dispatch.synthetic import lonlat
from tests.integration.dispatch_support import SignedIn, signed_in_server
from tests.integration.test_auth import call
from tests.integration.test_coverage_acceptance import BLADE, drive, register_plough, send, street

pytestmark = pytest.mark.postgis


def api(signed: SignedIn, path: str, body: Any = None) -> tuple[int, Any]:
    status, _, raw = call(signed.served, "POST" if body is not None else "GET", path, body,
                          headers=signed.auth)
    return status, json.loads(raw) if raw else None


def add_bus_line_with_a_bus(dsn: str) -> None:
    """Line 5 along ул. Ленина and beyond; bus ПАЗ 77 (EGTS terminal 777) assigned to it."""
    start, end = lonlat(-200.0, 0.0), lonlat(1200.0, 0.0)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO bus_lines (number, name, geom) VALUES ('5', 'Вокзал — Дзёмги',"
                    " ST_SetSRID(ST_MakeLine(ST_MakePoint(%s, %s), ST_MakePoint(%s, %s)), 4326))",
                    (*start, *end))
        bus_id = vehicle_registry.add_vehicle(cur, "ПАЗ 77", "bus", None, None)
        transit_db.assign_route(cur, bus_id, "5", None)
        terminal_registry.add_terminal(cur, "egts", "777", None, bus_id)
    conn.close()


@pytest.fixture(scope="module")
def storm(postgis_cluster: LocalCluster,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SignedIn, int]]:
    for signed in signed_in_server(postgis_cluster, tmp_path_factory.mktemp("storm_room")):
        for feature in (street("ул. Ленина", (0, 0), (1000, 0), direction="both", priority=1),
                        street("ул. Северная", (0, 600), (1000, 600), priority=2)):
            assert api(signed, "/api/routes", feature)[0] == 201
        register_plough(signed.dsn, 501)
        add_bus_line_with_a_bus(signed.dsn)
        now = datetime.now(UTC).replace(microsecond=0)
        send(signed.served.egts_port, 501,
             drive([(-50.0, 0.0), (1050.0, 0.0)], now - timedelta(minutes=5), BLADE))
        send(signed.served.egts_port, 777, drive([(300.0, 2.0), (400.0, 2.0)],
                                                 now - timedelta(seconds=30), 0))
        status, declared = api(signed, "/api/storms", {
            "name": "Метель", "started_at": (now - timedelta(hours=2)).isoformat(),
            "snowfall_ended_at": (now - timedelta(hours=1)).isoformat(),
            "norms_h": {"1": 4, "2": 1.1}})
        assert status == 201, declared
        yield signed, declared["id"]


def test_the_clock_puts_the_unworked_street_first_and_forecasts_the_worked_one(
        storm: tuple[SignedIn, int]) -> None:
    """Северная: at risk, no crew, no expected time. Ленина: partial, on track, expected when
    the plough has driven it back (1 km at its observed 36 km/h, about 100 s, plus reaching
    the street)."""
    signed, storm_id = storm
    status, doc = api(signed, f"/api/storms/{storm_id}/clock")
    assert status == 200, doc
    rows = [f["properties"] for f in doc["features"]]
    assert [(p["route"], p["state"], p["coverage_state"]) for p in rows] == [
        ("ул. Северная", "at_risk", "not_served"), ("ул. Ленина", "on_track", "partial")]
    northern, lenina = rows
    assert northern["forecast_breach"] and northern["crew"] == []
    assert northern["expected_at"] is None and northern["norm_h"] == 1.1
    assert 0 < northern["time_left_s"] <= 6 * 60
    assert lenina["crew"] == [{"id": lenina["crew"][0]["id"], "name": "КДМ 501"}]
    assert not lenina["forecast_breach"]
    expected = datetime.fromisoformat(lenina["expected_at"])
    generated = datetime.fromisoformat(doc["generated_at"])
    assert 100.0 <= (expected - generated).total_seconds() <= 110.0
    assert doc["counts"] == {"breached": 0, "at_risk": 1, "on_track": 1, "waiting": 0,
                             "cleared_late": 0, "cleared_in_time": 0}
    assert doc["crews"] == [{"vehicle_id": lenina["crew"][0]["id"], "name": "КДМ 501",
                             "last_fix": doc["crews"][0]["last_fix"], "working_kmh": 36.0}]
    assert doc["storm"]["id"] == storm_id


def test_metrics_carry_the_last_clock(storm: tuple[SignedIn, int]) -> None:
    """After a clock, /metrics counts its stretches by state and its foreseen breaches."""
    signed, storm_id = storm
    assert api(signed, f"/api/storms/{storm_id}/clock")[0] == 200
    status, _, raw = call(signed.served, "GET", "/metrics")
    text = raw.decode()
    assert status == 200
    assert "storm_breach_forecasts 1" in text.splitlines()
    assert 'storm_stretches{state="at_risk"} 1' in text.splitlines()
    assert 'storm_stretches{state="on_track"} 1' in text.splitlines()


def test_an_unknown_storm_s_clock_is_a_404(storm: tuple[SignedIn, int]) -> None:
    signed, storm_id = storm
    status, body = api(signed, f"/api/storms/{storm_id + 100}/clock")
    assert (status, body["error"]) == (404, "нет такого снегопада")
    assert api(signed, f"/api/storms/{storm_id}/weather")[0] == 404


def test_completeness_shows_the_plough_silent_for_most_of_the_storm(
        storm: tuple[SignedIn, int]) -> None:
    """The plough reported for 110 s of a 2 h storm, blade down throughout: about 2 % of the
    shift with data, one long silence before it, its sensor always on: suspect."""
    signed, storm_id = storm
    status, doc = api(signed, f"/api/storms/{storm_id}/completeness")
    assert status == 200, doc
    (row,) = doc["vehicles"]
    assert (row["name"], row["fixes"], row["invalid"], row["future"]) == ("КДМ 501", 22, 0, 0)
    assert 1.5 <= row["covered_pct"] <= 2.5
    assert row["gaps"] == 1 and 6850 <= row["longest_gap_s"] <= 6950
    assert (row["sensor"], row["sensor_label"], row["suspect"]) == (
        "stuck_on", "всегда включён", True)
    assert doc["parameters"]["expected_interval_s"] == 30.0
    assert api(signed, f"/api/storms/{storm_id + 100}/completeness")[0] == 404


def test_transit_names_the_line_on_the_uncleared_street_and_the_bus_on_it(
        storm: tuple[SignedIn, int]) -> None:
    """Line 5 runs 1050 m along uncleared ул. Ленина (with the corridor's ends); ПАЗ 77 is on
    it now."""
    signed, storm_id = storm
    status, doc = api(signed, f"/api/storms/{storm_id}/transit")
    assert status == 200, doc
    (line,) = doc["features"]
    props = line["properties"]
    assert (props["number"], props["name"]) == ("5", "Вокзал — Дзёмги")
    assert 1040.0 <= props["uncleared_m"] <= 1060.0
    assert [(s["route"], s["state"]) for s in props["stretches"]] == [("ул. Ленина", "on_track")]
    (bus,) = doc["buses"]
    assert (bus["name"], bus["line"], bus["stretch"]["route"]) == ("ПАЗ 77", "5", "ул. Ленина")


def test_plan_check_judges_capacity_by_the_storm_s_norms(storm: tuple[SignedIn, int]) -> None:
    """The two streets are 600 m apart (no double claim) and no network is imported (nothing
    unclaimed); the routes have no contractor, the plough belongs to one: nobody to clear them,
    against the storm's tightest norm (its class 2 override, 1.1 h)."""
    signed, storm_id = storm
    status, doc = api(signed, f"/api/storms/{storm_id}/plan")
    assert status == 200, doc
    assert (doc["overlaps"], doc["unclaimed"]) == ([], [])
    assert doc["contractors"] == [{"contractor": "—", "treatment": "plough", "routes": 2,
                                   "work_km": doc["contractors"][0]["work_km"], "vehicles": 0,
                                   "capacity_kmh": 0.0, "hours_needed": None, "norm_h": 1.1,
                                   "enough": False}]
    assert 3.9 <= doc["contractors"][0]["work_km"] <= 4.1


def test_the_storm_screen_is_served_to_anyone_signed_in(storm: tuple[SignedIn, int]) -> None:
    signed, _ = storm
    status, headers, raw = call(signed.served, "GET", "/storm", headers=signed.auth)
    page = raw.decode("utf-8")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<a href="/storm" aria-current="page" class="gd-nav-active">Сроки уборки</a>' in page
    assert "/static/js/storm_room.js" in page
