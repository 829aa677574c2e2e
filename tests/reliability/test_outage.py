"""PostgreSQL stopped while terminals stream: no acknowledgements, bounded memory, recovery.

The outage uses a cluster of its own (same ``LocalCluster`` class as the suite's), so stopping
it cannot disturb other tests, or other people's test runs, that share the suite's cluster.
``GLONASS_OUTAGE_S`` sets how long the database stays down (default 10 s).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.cluster import LocalCluster
from db.migrate import migrate
from tests.conftest import REPO, free_port
from tests.reliability.harness import Fleet, ServerProcess, Terminal, wait_until

pytestmark = pytest.mark.reliability

OUTAGE_S = float(os.environ.get("GLONASS_OUTAGE_S", "10"))
MAX_QUEUE = 150
MAX_PENDING = 40
TERMINALS = 24  # 22 live streams and 2 black-box dumps
FIXES = 300
DUMP_FIXES = 3000
TOTAL = (TERMINALS - 2) * FIXES + 2 * DUMP_FIXES


@pytest.fixture(scope="module")
def outage_cluster() -> Iterator[LocalCluster]:
    """A throwaway cluster on a free port, stopped and started by the test."""
    cluster = LocalCluster(REPO / "var" / "test-pg" / "outage" / "data", free_port(),
                           database="glonass_outage")
    cluster.stop()
    cluster.start()
    cluster.drop_database("glonass_outage")
    cluster.create_database("glonass_outage")
    migrate(cluster.dsn())
    yield cluster
    cluster.stop()


def test_database_outage_pauses_intake_and_loses_nothing(outage_cluster: LocalCluster,
                                                         tmp_path: Path) -> None:
    """With PostgreSQL down nothing is acknowledged, reading stops, and all resumes after."""
    dsn = outage_cluster.dsn()
    server = ServerProcess(dsn, tmp_path, (
        f"[writer]\nmax_queue = {MAX_QUEUE}\nretry_delay_s = 0.25\n"
        f"[intake]\nmax_pending_fixes = {MAX_PENDING}\n"))
    server.start()
    terminals = [Terminal(tid=920_000 + n, total=FIXES, window=8, interval_s=0.01)
                 for n in range(TERMINALS - 2)]
    terminals += [Terminal(tid=920_900 + n, total=DUMP_FIXES, per_packet=10, window=32)
                  for n in range(2)]  # black-box dumps: many records per packet, pipelined
    fleet = Fleet(terminals)
    deadline = time.monotonic() + 40 + OUTAGE_S
    samples: list[dict[str, float]] = []
    try:
        fleet.start(server.egts_port, deadline)
        wait_until(lambda: fleet.acked() >= TOTAL // 8, 20, "streaming under way")
        rss_before = server.rss_bytes()
        outage_cluster.stop()
        stopped_at = time.monotonic()
        acked_at_stop = fleet.acked()
        while time.monotonic() - stopped_at < OUTAGE_S:
            m = server.metrics()
            m["rss"] = server.rss_bytes()
            samples.append(m)
            time.sleep(0.25)
        restart_at = time.monotonic()
        late = [a for t in fleet for a in t.ack_times if stopped_at + 1.0 < a < restart_at]
        outage_cluster.start()
        wait_until(fleet.done, 30, "every fix acknowledged after the database came back")
        after = server.metrics()
        assert server.healthy()  # the read pool reconnected too
    finally:
        fleet.join(5)
        server.terminate()
        if not outage_cluster.is_running():
            outage_cluster.start()

    assert acked_at_stop < TOTAL
    assert late == [], f"{len(late)} acknowledgements during the outage"
    depth = max(s["glonass_write_queue_fixes"] for s in samples)
    assert depth <= MAX_QUEUE + 10, f"write queue grew to {depth}"
    full = [s["glonass_writer_backpressure"] == 1 for s in samples]
    assert True in full[:len(full) // 2], "the write queue never filled up"
    settled = samples[full.index(True):]  # from the moment the queue was full
    assert all(s["glonass_writer_backpressure"] == 1 for s in settled)
    paused = [s['glonass_paused_connections{protocol="egts",reason="queue"}'] for s in settled]
    assert paused == [TERMINALS] * len(settled), "not every connection stopped reading"
    rss_growth = max(s["rss"] for s in samples) - rss_before
    assert rss_growth < 32 * 2**20, f"server memory grew by {rss_growth / 2**20:.1f} MiB"
    assert after['glonass_database_errors_total{kind="unavailable"}'] >= 2
    assert after["glonass_writer_backpressure"] == 0
    assert "database writes recovered" in server.log_text()
    fleet.assert_stored_exactly_once(dsn, total=TOTAL)
