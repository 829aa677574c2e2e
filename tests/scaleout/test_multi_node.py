"""Scale-out on loopback: HAProxy (deploy/haproxy.cfg's telemetry settings) in front of two
served intake nodes, a PostgreSQL primary and its streaming standby (pg_basebackup -R).

200 terminals stream fixes through the balancer, each resending what was not acknowledged
after a reconnect, as a black box does. One node is killed with SIGKILL halfway: its terminals
reconnect through the balancer to the other node, and every fix ends up stored exactly once.
Then the standby is stopped: the API keeps answering from the primary.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from tests.conftest import Served, start_server, stop_server
from tests.egts_terminal import EgtsTerminal
from tests.integration.test_egts_intake import fix, get_json
from tests.prometheus import scrape
from tests.reliability.harness import wait_until
from tests.replication import StandbyCluster
from tests.scaleout.balancer import HAPROXY, Balancer

pytestmark = [
    pytest.mark.postgis, pytest.mark.scaleout,
    pytest.mark.skipif(HAPROXY is None, reason="haproxy is not installed (make haproxy "
                                               "installs Debian's package)"),
]
TERMINALS = 200
FIXES = 12  # per terminal, one per packet
PACE_S = 0.4  # between a terminal's packets
FIRST_TID = 880000
BEHIND_LOOPBACK = 'proxy_protocol = true\nproxy_protocol_from = ["127.0.0.0/8"]\n'


@dataclass
class Progress:
    """What one terminal got acknowledged, and how often it had to connect again."""

    acked: int = 0
    reconnects: int = 0


@pytest.fixture()
def nodes(dsn: str, standby: StandbyCluster, tmp_path: Path) -> Iterator[list[Served]]:
    """Two intake nodes behind the balancer's header, reading from the standby."""
    started: list[Served] = []
    try:
        for name in ("node1", "node2"):
            home = tmp_path / name
            home.mkdir()
            started.append(start_server(
                dsn, home, f"[database]\nread_url = \"{standby.dsn()}\"\nread_max_lag_s = 5.0\n",
                listener_keys={"egts": BEHIND_LOOPBACK}))
        yield started
    finally:
        for node in started:
            if node.process.poll() is None:
                stop_server(node)


def stream(port: int, tid: int, progress: Progress, stop: threading.Event) -> None:
    """One terminal: log in, send its fixes one packet at a time, and after a broken
    connection connect again and resend the packet that was not acknowledged."""
    terminal: EgtsTerminal | None = None
    while progress.acked < FIXES and not stop.is_set():
        try:
            if terminal is None:
                terminal = EgtsTerminal(port, timeout=15)
                if terminal.login(tid, None)[1].result_code != 0:
                    raise ConnectionError("login refused")
            _, (rn,) = terminal.send_fixes(tid, [fix(progress.acked)])
            if terminal.read_reply().confirmed == [(rn, 0)]:
                progress.acked += 1
            time.sleep(PACE_S)
        except (OSError, AssertionError):  # AssertionError: the node closed the connection
            if terminal is not None:
                terminal.close()
            terminal = None
            progress.reconnects += 1
            time.sleep(0.3)
    if terminal is not None:
        terminal.close()


def metric(node: Served, name: str) -> float:
    return scrape(node.http_port)[name]


def stored(dsn: str) -> dict[int, tuple[int, int]]:
    """Per terminal: fixes stored, and distinct fix times among them."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT t.identifier::int, count(*), count(DISTINCT p.fix_time)"
                    " FROM positions p JOIN terminals t ON t.id = p.terminal_id"
                    " GROUP BY t.identifier")
        rows = {tid: (n, distinct) for tid, n, distinct in cur.fetchall()}
    conn.close()
    return rows


def test_killed_node_loses_nothing_and_a_stopped_standby_stops_no_read(
        nodes: list[Served], standby: StandbyCluster, tmp_path: Path) -> None:
    """Every fix of 200 terminals is stored once across a SIGKILL of one of two nodes, and the
    API answers before and after the standby goes away."""
    balancer = Balancer(nodes, tmp_path)
    stop = threading.Event()
    progress = {FIRST_TID + i: Progress() for i in range(TERMINALS)}
    try:
        with ThreadPoolExecutor(max_workers=TERMINALS) as pool:
            running = [pool.submit(stream, balancer.port, tid, p, stop)
                       for tid, p in progress.items()]
            wait_until(lambda: sum(p.acked for p in progress.values()) >= TERMINALS * FIXES // 3,
                       120, "a third of the fixes acknowledged")
            os.kill(nodes[0].process.pid, signal.SIGKILL)
            nodes[0].process.wait()
            acked_before_kill = sum(p.acked for p in progress.values())
            wait_until(lambda: all(f.done() for f in running), 240, "every terminal finished")
            for finished in running:
                finished.result()
    finally:
        stop.set()
        balancer.stop()

    assert acked_before_kill < TERMINALS * FIXES
    assert all(p.acked == FIXES for p in progress.values())
    moved = sum(1 for p in progress.values() if p.reconnects)
    assert moved > 0, "no terminal was on the killed node"
    assert stored(nodes[1].dsn) == {tid: (FIXES, FIXES) for tid in progress}

    survivor = nodes[1]
    wait_until(lambda: metric(survivor, "glonass_database_reads_from_standby") == 1,
               30, "reads on the standby")
    wait_until(lambda: len(get_json(survivor, "/api/vehicles")["features"]) == TERMINALS,
               30, "the standby replayed every vehicle")
    standby.stop_now()
    for _ in range(3):
        assert len(get_json(survivor, "/api/vehicles")["features"]) == TERMINALS
    assert metric(survivor, "glonass_database_reads_from_standby") == 0
