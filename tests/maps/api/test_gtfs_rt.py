"""The public GTFS-Realtime feed against the served process: parsed back with the official
bindings, it matches the live state the API reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2
import pytest
from google.transit import gtfs_realtime_pb2

from tests.conftest import REPO, free_port, stop_server
from tests.egts_server.retranslator.servers import get, serve_on, sign_in_admin
from tests.egts_terminal import EgtsTerminal

FLEET = {6001: "bus", 6002: "bus", 6003: "bus", 6004: "plow"}


def fleet(dsn: str) -> dict[int, int]:
    """TID -> vehicle id."""
    ids = {}
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        for tid, kind in FLEET.items():
            cur.execute("INSERT INTO vehicles (name, kind, plate) VALUES (%s, %s, %s)"
                        " RETURNING id", (f"ЛиАЗ {tid}", kind, f"АВ{tid}27"))
            ids[tid] = cur.fetchone()[0]
            cur.execute("INSERT INTO terminals (protocol, identifier, vehicle_id)"
                        " VALUES ('egts', %s, %s)", (str(tid), ids[tid]))
    conn.close()
    return ids


def cli(dsn: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "egts_server.cli", *args], capture_output=True,
                          text=True, env={**os.environ, "DATABASE_URL": dsn}, cwd=REPO)


def test_feed_is_public_lists_fresh_buses_and_matches_the_live_state(dsn: str,
                                                                      tmp_path: Path) -> None:
    """Fresh buses only, route/trip from `vehicles assign`, same values as /api/vehicles."""
    ids = fleet(dsn)
    assigned = cli(dsn, "vehicles", "assign", str(ids[6001]), "--route-number", "5",
                   "--trip", "5-0712")
    assert assigned.returncode == 0 and "runs route 5, trip 5-0712" in assigned.stdout
    assert cli(dsn, "vehicles", "assign", "99999", "--route-number", "5").returncode == 1
    note = cli(dsn, "vehicles", "assign", str(ids[6004]), "--route-number", "1")
    assert "only buses" in note.stderr
    served = serve_on(dsn, tmp_path, free_port(), free_port(), "[auth]\nanonymous_read = false\n")
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        for n, tid in enumerate(FLEET):
            age = timedelta(hours=2) if tid == 6003 else timedelta(seconds=20 + n)
            terminal = EgtsTerminal(served.egts_port)
            terminal.login(tid, None)
            terminal.send_fixes(tid, [{"time": now - age, "lat": 50.55 + n / 100,
                                       "lon": 137.01 + n / 100, "speed_kmh": 18.0 * (n + 1),
                                       "course": 45 * n, "vld": True}])
            assert terminal.read_reply().confirmed[0][1] == 0
            terminal.close()

        status, body = get(served, "/gtfs-rt/vehicle-positions.pb")  # no sign-in
        assert status == 200
        feed = gtfs_realtime_pb2.FeedMessage()
        feed.ParseFromString(body)
        assert feed.header.incrementality == gtfs_realtime_pb2.FeedHeader.FULL_DATASET
        by_id = {e.vehicle.vehicle.id: e.vehicle for e in feed.entity}
        assert set(by_id) == {str(ids[6001]), str(ids[6002])}  # no plow, no stale bus

        live = json.loads(get(served, "/api/vehicles", sign_in_admin(served))[1])
        for feature in live["features"]:
            vp = by_id.get(str(feature["id"]))
            if vp is None:
                continue
            lon, lat = feature["geometry"]["coordinates"]
            props = feature["properties"]
            assert vp.vehicle.label == props["name"] and vp.vehicle.license_plate == props["plate"]
            assert (vp.position.latitude, vp.position.longitude) == (
                pytest.approx(lat, abs=1e-5), pytest.approx(lon, abs=1e-5))
            assert vp.position.speed == pytest.approx(props["speed_kmh"] / 3.6, abs=1e-3)
            assert vp.position.bearing == pytest.approx(props["course_deg"])
            assert vp.timestamp == int(datetime.fromisoformat(props["fix_time"]).timestamp())
        assigned_bus = by_id[str(ids[6001])]
        assert (assigned_bus.trip.route_id, assigned_bus.trip.trip_id) == ("5", "5-0712")
        assert not by_id[str(ids[6002])].HasField("trip")

        status, body = get(served, "/gtfs-rt/vehicle-positions.json")
        assert status == 200
        doc = json.loads(body)
        assert {e["vehicle"]["vehicle"]["id"] for e in doc["entity"]} == set(by_id)
        assert get(served, "/api/vehicles")[0] != 200  # the rest stays closed
    finally:
        stop_server(served)
    assert cli(dsn, "vehicles", "assign", str(ids[6001]), "--clear").returncode == 0
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT route_number, trip_id FROM vehicles WHERE id = %s", (ids[6001],))
        assert cur.fetchone() == (None, None)
    conn.close()
