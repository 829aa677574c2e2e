"""SIGTERM: stop accepting, stop reading, acknowledge what committed, close, exit cleanly."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.reliability.harness import Fleet, ServerProcess, Terminal, wait_until

pytestmark = pytest.mark.reliability

TERMINALS = 12


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def test_sigterm_acknowledges_exactly_what_committed(rel_dsn: str, tmp_path: Path) -> None:
    """After SIGTERM every stored fix was acknowledged and every acknowledged fix is stored."""
    server = ServerProcess(rel_dsn, tmp_path)
    server.start()
    fleet = Fleet([Terminal(tid=930_000 + n, total=100_000, per_packet=1 + n % 4, window=8)
                   for n in range(TERMINALS)])
    deadline = time.monotonic() + 60
    try:
        fleet.start(server.egts_port, deadline)
        wait_until(lambda: fleet.acked() >= 2000, 30, "streaming under way")
        errors_before = [len(t.errors) for t in fleet]
        server.process.send_signal(15)  # type: ignore[union-attr]
        wait_until(lambda: refuses_connections(server.egts_port), 10, "the listener to close")
        assert server.process.wait(timeout=20) == 0  # type: ignore[union-attr]
        # each terminal has read every reply the server wrote before it saw the close
        wait_until(lambda: all(len(t.errors) > n for t, n in zip(fleet, errors_before,
                                                                   strict=True)), 10,
                   "every terminal to see its connection closed")
    finally:
        fleet.join(2)
        server.kill()
    fleet.assert_stored_exactly_once(rel_dsn, total=fleet.acked())  # nothing stored unacked
    log = server.log_text()
    assert "stopped accepting; finishing" in log
    assert "closing (shutdown)" in log
