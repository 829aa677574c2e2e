"""A server killed with SIGKILL mid-stream loses nothing it acknowledged and stores resends once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.reliability.harness import Fleet, ServerProcess, Terminal, wait_until

pytestmark = pytest.mark.reliability

TERMINALS = 50
FIXES = 80  # per terminal


def test_sigkill_mid_stream_loses_no_acknowledged_fix(rel_dsn: str, tmp_path: Path) -> None:
    """50 terminals stream; the server dies by SIGKILL and restarts; every fix lands once."""
    server = ServerProcess(rel_dsn, tmp_path)
    server.start()
    fleet = Fleet([Terminal(tid=910_000 + n, total=FIXES, per_packet=1 + n % 3, window=4,
                            interval_s=0.005) for n in range(TERMINALS)])
    deadline = time.monotonic() + 60
    try:
        fleet.start(server.egts_port, deadline)
        total = TERMINALS * FIXES
        wait_until(lambda: fleet.acked() >= total // 4, 30, "a quarter of the fixes acknowledged")
        server.kill()
        fleet.assert_stored_exactly_once(rel_dsn)  # nothing acknowledged missing, before resends
        assert fleet.acked() < total, "the kill came after the end of the stream"
        server.start()
        wait_until(fleet.done, 40, "every fix acknowledged after the restart")
    finally:
        fleet.join(5)
        server.kill()
    fleet.assert_stored_exactly_once(rel_dsn, total=TERMINALS * FIXES)
    assert all(t.connects >= 2 for t in fleet)  # every terminal lived through the kill
