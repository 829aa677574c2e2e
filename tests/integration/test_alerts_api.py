"""Alerts over HTTP: the server's alert job raises them from stored fixes, keeps one per
condition, a dispatcher acknowledges them (recorded in the audit trail), anyone signed in reads.

One served instance judging every half second, on a city of one street: plough 501 last heard
ten minutes ago during a declared storm (silent), plough 502 driving 3 km beside the street
with its blade down up to now (equipment working off every route).
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg2
import pytest

from db.cluster import LocalCluster
from tests.integration.dispatch_support import SignedIn, signed_in_server
from tests.integration.test_auth import add_user, call, sign_in
from tests.integration.test_coverage_acceptance import (
    BLADE,
    drive,
    register_plough,
    send,
    street,
)

pytestmark = pytest.mark.postgis
ALERTS_CONFIG = ("[alerts]\ninterval_s = 0.5\n"
                 "[alerts.detect]\nstorm_silent_after_min = 8.0\n")


@pytest.fixture(scope="module")
def city(postgis_cluster: LocalCluster,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SignedIn, dict[str, int]]]:
    for signed in signed_in_server(postgis_cluster, tmp_path_factory.mktemp("alerts"),
                                   ALERTS_CONFIG):
        status, _, raw = call(signed.served, "POST", "/api/routes",
                              street("ул. Ленина", (0, 0), (1000, 0)), headers=signed.auth)
        assert status == 201, raw
        now = datetime.now(UTC).replace(microsecond=0)
        ids = {"silent": register_plough(signed.dsn, 501),
               "off_route": register_plough(signed.dsn, 502)}
        send(signed.served.egts_port, 501,
             drive([(0.0, 0.0), (100.0, 0.0)], now - timedelta(minutes=10), BLADE))
        path = drive([(0.0, 600.0), (3000.0, 600.0)], now, BLADE)
        lag = path[-1]["time"] - now
        send(signed.served.egts_port, 502, [{**f, "time": f["time"] - lag} for f in path])
        status, _, raw = call(signed.served, "POST", "/api/storms",
                              {"name": "Метель", "started_at": (now - timedelta(hours=1))
                               .isoformat()}, headers=signed.auth)
        assert status == 201, raw
        add_user(signed.dsn, "petrova", "audit-2026!", "auditor")
        yield signed, ids


def alerts(signed: SignedIn, auth: dict[str, str] | None = None,
           **query: str | int) -> tuple[int, Any]:
    text = urllib.parse.urlencode(query)
    status, _, raw = call(signed.served, "GET", "/api/alerts" + (f"?{text}" if text else ""),
                          headers=signed.auth if auth is None else auth)
    return status, json.loads(raw)


def until(read: Callable[[], Any], done: Callable[[Any], bool], timeout_s: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def raised(city: tuple[SignedIn, dict[str, int]]) -> dict[str, dict[str, Any]]:
    """The alerts of both ploughs once the job has found them, by kind."""
    signed, ids = city
    found = until(lambda: alerts(signed)[1],
                  lambda body: {"silent_during_storm", "equipment_on_off_route"}
                  <= {f["properties"]["kind"] for f in body["features"]})
    return {f["properties"]["kind"]: f["properties"] for f in found["features"]}


def test_the_job_raises_one_alert_per_condition(city: tuple[SignedIn, dict[str, int]]) -> None:
    """Each plough gets exactly its alert, with vehicle, label, position and details."""
    signed, ids = city
    by_kind = raised(city)
    assert sorted(by_kind) == ["equipment_on_off_route", "silent_during_storm"]
    silent, off = by_kind["silent_during_storm"], by_kind["equipment_on_off_route"]
    assert (silent["vehicle_id"], silent["vehicle"], silent["label"]) == (
        ids["silent"], "КДМ 501", "Нет связи во время снегопада")
    assert silent["details"]["storm"] == "Метель" and silent["holding"] is True
    assert (off["vehicle_id"], off["label"]) == (ids["off_route"],
                                                 "Оборудование работает вне маршрутов")
    assert off["details"]["distance_m"] > 2500
    assert off["acknowledged_at"] is None and off["cleared_at"] is None


def test_a_holding_condition_stays_one_alert(city: tuple[SignedIn, dict[str, int]]) -> None:
    """Runs keep refreshing the open alert (seen_at moves), never adding a second."""
    signed, _ = city
    first = raised(city)["silent_during_storm"]
    later = until(lambda: alerts(signed, kind="silent_during_storm")[1],
                  lambda body: body["features"][0]["properties"]["seen_at"]
                  > first["seen_at"], timeout_s=5)
    assert len(later["features"]) == 1
    again = later["features"][0]["properties"]
    assert (again["id"], again["raised_at"]) == (first["id"], first["raised_at"])
    assert again["seen_at"] > first["seen_at"]
    with psycopg2.connect(signed.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT kind, count(*) FROM alerts GROUP BY kind ORDER BY kind")
        assert cur.fetchall() == [("equipment_on_off_route", 1), ("silent_during_storm", 1)]
    conn.close()


def test_filters_by_kind_vehicle_time_and_acknowledgement(
        city: tuple[SignedIn, dict[str, int]]) -> None:
    signed, ids = city
    raised(city)

    def kinds(**query: str | int) -> list[str]:
        status, body = alerts(signed, **query)
        assert status == 200, body
        return sorted(f["properties"]["kind"] for f in body["features"])

    assert kinds(kind="silent_during_storm") == ["silent_during_storm"]
    assert kinds(kind="speeding_while_treating,online_not_moving") == []
    assert kinds(vehicle=ids["off_route"]) == ["equipment_on_off_route"]
    assert kinds(route=1) == []  # the street itself is in no alert
    hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    in_an_hour = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert kinds(**{"from": hour_ago, "to": in_an_hour}) == ["equipment_on_off_route",
                                                             "silent_during_storm"]
    assert kinds(**{"from": in_an_hour}) == []
    assert kinds(**{"to": hour_ago}) == []
    assert alerts(signed, kind="nonsense")[0] == 400
    assert alerts(signed, vehicle="x")[0] == 400
    assert alerts(signed, route="-1")[0] == 400
    assert alerts(signed, acknowledged="maybe")[0] == 400
    status, body = alerts(signed, limit=0)
    assert (status, body["features"], body["unacknowledged"]) == (200, [], 2)


def test_dispatcher_acknowledges_auditor_only_reads(
        city: tuple[SignedIn, dict[str, int]]) -> None:
    """The auditor reads but may not acknowledge; the dispatcher does, once, and the audit
    trail names her; a second acknowledgement changes nothing."""
    signed, ids = city
    alert = raised(city)["equipment_on_off_route"]
    auditor = sign_in(signed.served, "petrova", "audit-2026!")
    assert alerts(signed, auditor)[0] == 200
    path = f"/api/alerts/{alert['id']}/ack"
    assert call(signed.served, "POST", path, {}, headers=auditor)[0] == 403
    without_token = {"cookie": signed.auth["cookie"]}
    assert call(signed.served, "POST", path, {}, headers=without_token)[0] == 403
    status, _, raw = call(signed.served, "POST", path, {}, headers=signed.auth)
    assert status == 200, raw
    acked = json.loads(raw)["properties"]
    assert acked["acknowledged_by"] == "kuznetsova" and acked["acknowledged_at"] is not None
    status, _, raw = call(signed.served, "POST", path, {}, headers=signed.auth)
    again = json.loads(raw)["properties"]
    assert (status, again["acknowledged_by"], again["acknowledged_at"]) == (
        200, "kuznetsova", acked["acknowledged_at"])
    assert call(signed.served, "POST", "/api/alerts/999999/ack", {},
                headers=signed.auth)[0] == 404
    status, body = alerts(signed, acknowledged="no")
    assert [f["properties"]["kind"] for f in body["features"]] == ["silent_during_storm"]
    assert body["unacknowledged"] == 1
    with psycopg2.connect(signed.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT actor, role, action, object_id, after ->> 'acknowledged_by'"
                    " FROM audit_log WHERE kind = 'alert'")
        assert cur.fetchall() == [("kuznetsova", "dispatcher", "update", str(alert["id"]),
                                   "kuznetsova")]
    conn.close()


def test_a_condition_that_ends_closes_its_alert(city: tuple[SignedIn, dict[str, int]]) -> None:
    """Plough 501 reports again: its silence alert closes and stays in the list."""
    signed, ids = city
    silent = raised(city)["silent_during_storm"]
    now = datetime.now(UTC).replace(microsecond=0)
    send(signed.served.egts_port, 501, drive([(0.0, 0.0), (100.0, 0.0)], now, BLADE))
    body = until(lambda: alerts(signed, kind="silent_during_storm")[1],
                 lambda b: not b["features"][0]["properties"]["holding"])
    (closed,) = [f["properties"] for f in body["features"]]
    assert closed["id"] == silent["id"] and closed["cleared_at"] is not None
    assert closed["holding"] is False
