"""OsmAnd / Traccar Client end to end: phone requests over real HTTP, the served process,
PostGIS. Requests are written out here as the apps send them; a 200 must find its fix
committed, a 400 must name the field and store nothing."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from tests.conftest import Served, free_port, start_server, stop_server


@pytest.fixture()
def served(dsn: str, tmp_path: Path) -> Iterator[tuple[Served, str]]:
    port = free_port()
    server = start_server(dsn, tmp_path, f"[osmand]\nenabled = true\nhost = \"127.0.0.1\"\n"
                                         f"port = {port}\n")
    yield server, f"http://127.0.0.1:{port}/"
    stop_server(server)


def send(url: str, data: bytes | None = None, content_type: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def stored(dsn: str) -> list[tuple[Any, ...]]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT t.identifier, p.fix_time, ST_Y(p.geom), ST_X(p.geom), p.valid,"
                    " p.speed_kmh, p.course_deg, p.altitude_m, p.hdop, p.inputs, p.black_box,"
                    " p.protocol, p.attributes"
                    " FROM positions p JOIN terminals t ON t.id = p.terminal_id"
                    " WHERE t.protocol = 'osmand' ORDER BY p.fix_time")
        rows: list[tuple[Any, ...]] = cur.fetchall()
    conn.close()
    return rows


def test_registry_remembers_the_phone_s_address(served: tuple[Served, str]) -> None:
    """The terminal registry keeps the address (host:port) the phone's request came from."""
    server, url = served
    phone = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/")),
                                       timeout=10)
    phone.connect()
    assert phone.sock is not None
    host, port = phone.sock.getsockname()[:2]
    phone.request("GET", "/?id=phone9&lat=50.55&lon=137.01&timestamp=1770102000")
    assert phone.getresponse().status == 200
    phone.close()
    with psycopg2.connect(server.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT last_address FROM terminals WHERE identifier = 'phone9'")
        assert cur.fetchone() == (f"{host}:{port}",)
    conn.close()


def test_get_form_and_json_reports_are_stored_before_200(served: tuple[Served, str]) -> None:
    server, url = served
    status, _ = send(url + "?id=phone1&lat=50.55&lon=137.01&timestamp=1770102000&speed=10"
                           "&bearing=45&altitude=30&hdop=1.2&accuracy=8&batt=77&ignition=true")
    assert status == 200 and len(stored(server.dsn)) == 1
    status, _ = send(url, b"id=phone1&lat=50.56&lon=137.02&timestamp=1770102010000&speed=0",
                     "application/x-www-form-urlencoded")
    assert status == 200 and len(stored(server.dsn)) == 2
    body = {"device_id": "phone1", "location": {
        "timestamp": "2026-02-03T07:00:20.500Z", "battery": {"level": 0.5},
        "coords": {"latitude": 50.57, "longitude": 137.03, "speed": 5, "heading": 90,
                   "altitude": 31, "accuracy": 4}}}
    status, _ = send(url, json.dumps(body).encode(), "application/json")
    assert status == 200 and len(stored(server.dsn)) == 3

    status, text = send(url + "?id=phone1&lat=north&lon=137")
    assert status == 400 and "lat" in text
    assert len(stored(server.dsn)) == 3

    rows = stored(server.dsn)
    assert rows[0] == ("phone1", datetime(2026, 2, 3, 7, 0, tzinfo=UTC), pytest.approx(50.55),
                       pytest.approx(137.01), True, pytest.approx(18.52), 45, 30,
                       pytest.approx(1.2), None, False, "osmand",
                       {"battery_percent": 77.0, "accuracy_m": 8.0, "param_ignition": True})
    assert rows[1][1] == datetime(2026, 2, 3, 7, 0, 10, tzinfo=UTC)
    assert rows[1][5] == 0 and rows[1][12] == {}
    assert rows[2][1:9] == (datetime(2026, 2, 3, 7, 0, 20, 500000, tzinfo=UTC),
                            pytest.approx(50.57), pytest.approx(137.03), True,
                            pytest.approx(18.0), 90, 31, None)
    assert rows[2][12] == {"battery_percent": 50.0, "accuracy_m": 4.0}
