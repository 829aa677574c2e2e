"""Seeding the demo city into PostGIS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2

from db.seed import ensure_demo_bus_lines, ensure_demo_storm, seed_demo
from dispatch.demo_fleet import TRACKER_PROTOCOLS
from tests.conftest import REPO, free_port, start_server, stop_server


def test_demo_seed_fills_an_empty_database_once(dsn: str) -> None:
    """An empty database gets 78 road machines, buses, routes and marks; a rerun adds nothing.
    Each vehicle has one terminal (buses NDTP, three road machines each tracker protocol, the
    rest EGTS) and every route a contractor whose vehicles work it."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        counts = seed_demo(cur)
        assert counts["vehicles"] >= 84 and counts["routes"] > 0 and counts["marks"] > 0
        assert seed_demo(cur) == {}
        cur.execute("SELECT count(*) FROM vehicles WHERE kind <> 'bus'")
        assert cur.fetchone()[0] == 78
        cur.execute("SELECT v.kind = 'bus', t.protocol, count(*), count(DISTINCT t.vehicle_id)"
                    " FROM terminals t JOIN vehicles v ON v.id = t.vehicle_id"
                    " GROUP BY 1, 2 ORDER BY 1, 2")
        assert cur.fetchall() == [(False, "egts", 60, 60), *sorted(
            (False, name, 3, 3) for name in TRACKER_PROTOCOLS), (True, "ndtp", 6, 6)]
        cur.execute("SELECT count(*) FROM terminals")
        assert cur.fetchone()[0] == counts["vehicles"]
        cur.execute("SELECT count(*) FILTER (WHERE driver IS NULL OR driver_phone IS NULL)"
                    " FROM vehicles")
        assert cur.fetchone()[0] == 0
        cur.execute("SELECT count(*) FILTER (WHERE contractor IS NULL),"
                    " count(DISTINCT contractor) FROM routes")
        assert cur.fetchone() == (0, 3)
        cur.execute("SELECT count(*) FROM vehicles v JOIN routes r ON r.contractor = v.contractor"
                    " WHERE v.kind <> 'bus' AND v.plate IS NOT NULL")
        assert cur.fetchone()[0] > 0
        cur.execute("SELECT bool_and(ST_IsValid(geom)) AND min(ST_NPoints(geom)) >= 2 FROM routes")
        assert cur.fetchone()[0] is True


def test_demo_bus_lines_come_with_the_city_or_later_once(dsn: str) -> None:
    """A new demo city has the buses' lines; one seeded before lines were stored gets them
    once (each demo bus's route number names one)."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        assert seed_demo(cur)["bus_lines"] == 3
        assert ensure_demo_bus_lines(cur) == 0
        cur.execute("DELETE FROM bus_lines")
        assert ensure_demo_bus_lines(cur) == 3
        cur.execute("SELECT count(*) FROM vehicles v LEFT JOIN bus_lines l"
                    " ON l.number = v.route_number WHERE v.kind = 'bus' AND l.number IS NULL")
        assert cur.fetchone()[0] == 0
    conn.close()


def test_a_simulated_demo_gets_a_storm_in_progress_once(dsn: str) -> None:
    """With no storm open, the demo declares one whose snow stopped 3 h 30 min ago (the
    busiest streets' 4 h norm runs out in 30 min); while it is open no second one comes."""
    now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        storm_id = ensure_demo_storm(cur, now)
        assert storm_id is not None
        assert ensure_demo_storm(cur, now + timedelta(hours=1)) is None
        cur.execute("SELECT name, started_at, snowfall_ended_at, closed_at FROM storms")
        assert cur.fetchall() == [("Снегопад (демонстрация)", now - timedelta(hours=4),
                                   now - timedelta(hours=3, minutes=30), None)]
    conn.close()


def test_demo_fleet_simulator_drives_every_vehicle_through_its_one_terminal(
        dsn: str, tmp_path: Path) -> None:
    """The demo's mixed simulator against a served seeded city with every tracker listener on:
    all 84 vehicles report, each through its seeded terminal and protocol; no terminal or
    vehicle is added by registration."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        seed_demo(cur)
    conn.close()
    served = start_server(dsn, tmp_path, "".join(
        f'[{name}]\nenabled = true\nhost = "127.0.0.1"\nport = {free_port()}\n'
        for name in TRACKER_PROTOCOLS))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "egts_server.cli", "--config", str(tmp_path / "config.toml"),
             "simulate", "--vehicles", "84", "--protocol", "mixed", "--port",
             str(served.egts_port), "--ndtp-port", str(served.ndtp_port), "--interval", "1",
             "--duration", "8"], capture_output=True, text=True, cwd=REPO, timeout=120,
            env={**os.environ, "DATABASE_URL": dsn})
        assert done.returncode == 0, done.stderr
    finally:
        stop_server(served)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT (SELECT count(*) FROM vehicles), (SELECT count(*) FROM terminals),"
                    " count(DISTINCT p.vehicle_id), count(*) FILTER (WHERE p.vehicle_id IS NULL)"
                    " FROM positions p")
        assert cur.fetchone() == (84, 84, 84, 0)
        cur.execute("SELECT t.protocol, count(DISTINCT p.vehicle_id) FROM positions p"
                    " JOIN terminals t ON t.id = p.terminal_id GROUP BY 1 ORDER BY 1")
        assert cur.fetchall() == sorted([("egts", 60), ("ndtp", 6),
                                         *((name, 3) for name in TRACKER_PROTOCOLS)])
    conn.close()


def test_serve_with_a_simulated_fleet_shows_every_protocol(dsn: str, tmp_path: Path) -> None:
    """``make run``'s ``serve --simulate 84``: the tracker listeners (off in the configuration,
    on their configured ports) are switched on, and every seeded vehicle reports through its
    own terminal, so the live map shows the mixed fleet."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        seed_demo(cur)
    conn.close()
    ports = {name: free_port() for name in TRACKER_PROTOCOLS}
    served = start_server(dsn, tmp_path, "".join(
        f'[{name}]\nhost = "127.0.0.1"\nport = {port}\n' for name, port in ports.items()),
        serve_args=("--simulate", "84", "--simulate-interval", "1"))
    try:
        deadline = time.monotonic() + 60
        while True:
            with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
                cur.execute("SELECT t.protocol, count(DISTINCT p.vehicle_id) FROM positions p"
                            " JOIN terminals t ON t.id = p.terminal_id GROUP BY 1 ORDER BY 1")
                reporting = cur.fetchall()
            conn.close()
            if sum(n for _, n in reporting) == 84 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        vehicles = json.loads(urllib.request.urlopen(
            served.base_url + "/api/vehicles", timeout=10).read())
    finally:
        stop_server(served)
    assert reporting == sorted([("egts", 60), ("ndtp", 6),
                                *((name, 3) for name in TRACKER_PROTOCOLS)])
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM vehicles")
        assert cur.fetchone()[0] == 84  # nobody registered anew
    conn.close()
    banner = next(line for line in served.log_path.read_text().splitlines() if "live map" in line)
    assert "   ".join(f"{name}: {'http' if name == 'osmand' else 'tcp'}/{ports[name]}"
                     for name in ("wialon", "wialonretr", "teltonika", "galileosky",
                                  "navtelecom", "osmand")) + "   API" in banner
    terminals = {t.partition(":")[0] for f in vehicles["features"]
                 for t in f["properties"]["terminals"]}
    assert terminals == {"egts", "ndtp", *TRACKER_PROTOCOLS}
