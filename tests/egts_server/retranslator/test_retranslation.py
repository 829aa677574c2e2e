"""Retranslation end to end: a second instance of our own intake is the upstream RNIS.

Two ``serve`` processes against two databases of the test cluster: terminals feed the main
one, whose retranslator logs in to the other with DISPATCHER_IDENTITY and forwards every bus
fix. The upstream is killed mid-stream and restarted on the same port; afterwards it must
hold every fix exactly once, and per vehicle in the order the fixes happened.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from db.cluster import LocalCluster
from tests.conftest import Served, free_port, stop_server
from tests.egts_server.retranslator.servers import (
    get,
    scalar,
    second_database,
    serve_on,
    sign_in_admin,
    wait_for,
)
from tests.egts_terminal import EgtsTerminal

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
BUSES, PLOW = (5001, 5002), 5003
FAST = """
[retranslator]
response_timeout_s = 1.0
reconnect_s = 0.3
reconnect_max_s = 1.2
poll_interval_s = 0.1
records_per_packet = 7
[[retranslator.upstreams]]
name = "upstream"
host = "127.0.0.1"
port = {port}
dispatcher_id = 77
kinds = ["bus"]
"""


@pytest.fixture()
def upstream_dsn(postgis_cluster: LocalCluster) -> Iterator[str]:
    dsn = second_database(postgis_cluster, "upstream")
    yield dsn
    postgis_cluster.drop_database(dsn.split("dbname=")[1].split()[0])


def fleet(dsn: str) -> None:
    """Two buses and a plow, each with its EGTS terminal (TID = the default OID)."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        for tid in (*BUSES, PLOW):
            cur.execute("INSERT INTO vehicles (name, kind) VALUES (%s, %s) RETURNING id",
                        (f"T{tid}", "plow" if tid == PLOW else "bus"))
            cur.execute("INSERT INTO terminals (protocol, identifier, vehicle_id)"
                        " VALUES ('egts', %s, %s)", (str(tid), cur.fetchone()[0]))
    conn.close()


def fix(i: int) -> dict[str, Any]:
    return {"time": T0 + timedelta(seconds=10 * i), "lat": 50.55 + i * 1e-4,
            "lon": 137.0 + i * 1e-4, "speed_kmh": 20.0, "course": 90, "vld": True}


def drive(terminals: dict[int, EgtsTerminal], start: int, count: int) -> None:
    """``count`` fixes per vehicle, three per packet; each packet confirmed (so stored)."""
    for first in range(start, start + count, 3):
        for tid, terminal in terminals.items():
            fixes = [fix(i) for i in range(first, min(first + 3, start + count))]
            pid, rns = terminal.send_fixes(tid, fixes)
            reply = terminal.read_reply()
            assert reply.rpid == pid and reply.confirmed == [(rn, 0) for rn in rns]


def upstream_fixes(dsn: str, tid: int) -> list[tuple[datetime, datetime]]:
    """(fix_time, received_at) the upstream holds for one OID, in arrival order."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT p.fix_time, p.received_at FROM positions p"
                    " JOIN terminals t ON t.id = p.terminal_id WHERE t.identifier = %s"
                    " ORDER BY p.received_at, p.fix_time", (str(tid),))
        rows = cur.fetchall()
    conn.close()
    return rows


def test_upstream_restart_loses_nothing_and_keeps_order(dsn: str, upstream_dsn: str,
                                                        tmp_path: Path) -> None:
    """Killed mid-stream and restarted: every bus fix arrives exactly once, in fix-time order."""
    fleet(dsn)
    up_ports = free_port(), free_port()
    upstream = serve_on(upstream_dsn, tmp_path / "up", *up_ports)
    main: Served | None = None
    try:
        main = serve_on(dsn, tmp_path / "main", free_port(), free_port(),
                        FAST.format(port=up_ports[0]))
        terminals = {tid: EgtsTerminal(main.egts_port) for tid in (*BUSES, PLOW)}
        for tid, terminal in terminals.items():
            assert terminal.login(tid, None)[1].result_code == 0

        drive(terminals, 0, 15)
        wait_for(lambda: len(upstream_fixes(upstream_dsn, BUSES[0])) >= 3, 15)
        upstream.process.send_signal(signal.SIGKILL)  # mid-stream, no goodbye
        upstream.process.wait()
        drive(terminals, 15, 15)  # stored and queued while the upstream is away
        wait_for(lambda: scalar(dsn, "SELECT state FROM retranslation_upstreams") in
                 ("disconnected", "connecting"), 10)
        upstream = serve_on(upstream_dsn, tmp_path / "up", *up_ports)
        drive(terminals, 30, 6)
        for terminal in terminals.values():
            terminal.close()

        wait_for(lambda: scalar(dsn, "SELECT count(*) FROM retranslation_queue") == 0, 30,
                 lambda: (tmp_path / "main" / "server.log").read_text())
        expected = [fix(i)["time"] for i in range(36)]
        for tid in BUSES:
            rows = upstream_fixes(upstream_dsn, tid)
            assert sorted(t for t, _ in rows) == expected  # every fix, each once
            assert [t for t, _ in rows] == expected  # arrival order is fix-time order
        assert upstream_fixes(upstream_dsn, PLOW) == []  # not selected: not sent
        assert scalar(upstream_dsn, "SELECT count(*) FROM terminals"
                      " WHERE identifier = 'dispatcher:77'") == 1  # logged in as a platform
        assert scalar(dsn, "SELECT sum(delivered) FROM retranslation_progress") == 72
        # the session may be between a keep-alive's loss and the next login on a loaded
        # machine; what matters is that it is (again) logged in
        wait_for(lambda: scalar(dsn, "SELECT state FROM retranslation_upstreams")
                 == "logged_in", 15)

        cookie = sign_in_admin(main)
        status, body = get(main, "/admin/delivery", cookie)
        assert status == 200 and "Ретрансляция данных" in body.decode()
        status, body = get(main, "/admin/delivery?format=json", cookie)
        (report,) = json.loads(body)
        assert {v["oid"] for v in report["vehicles"]} == set(BUSES)
        assert all(v["backlog"] == 0 and v["delivered"] == 36 for v in report["vehicles"])
        assert get(main, "/admin/delivery")[0] in (302, 401, 403)  # admins only
        status, body = get(main, "/metrics")
        assert status == 200 and b"# TYPE glonass_retranslation_backlog_fixes gauge" in body
    finally:
        if main is not None:
            stop_server(main)
        stop_server(upstream)


def test_refusing_upstream_is_retried_with_backoff_and_a_clear_log_line(
        dsn: str, upstream_dsn: str, tmp_path: Path) -> None:
    """An upstream that rejects unknown platforms: 151 logged, pauses grow, fixes stay queued."""
    fleet(dsn)
    up_ports = free_port(), free_port()
    upstream = serve_on(upstream_dsn, tmp_path / "up", *up_ports,
                        '[intake]\nunknown_terminals = "reject"\n')
    main: Served | None = None
    try:
        main = serve_on(dsn, tmp_path / "main", free_port(), free_port(),
                        FAST.format(port=up_ports[0]))
        terminal = EgtsTerminal(main.egts_port)
        terminal.login(BUSES[0], None)
        drive({BUSES[0]: terminal}, 0, 3)
        terminal.close()
        log = tmp_path / "main" / "server.log"

        def refusals() -> list[str]:
            return [line for line in log.read_text().splitlines()
                    if "refused the login" in line]

        wait_for(lambda: len(refusals()) >= 3, 20, log.read_text)
        first, second, third = refusals()[:3]
        assert "refused the login of dispatcher 77 with result code 151 (AUTH_DENIED)" in first
        assert ["retrying in 0.3s" in first, "retrying in 0.6s" in second,
                "retrying in 1.2s" in third] == [True] * 3  # doubling, capped at 1.2 s
        assert scalar(dsn, "SELECT count(*) FROM retranslation_queue") == 3
        assert scalar(dsn, "SELECT state FROM retranslation_upstreams") == "refused"
        assert "151" in scalar(dsn, "SELECT state_detail FROM retranslation_upstreams")
    finally:
        if main is not None:
            stop_server(main)
        stop_server(upstream)
