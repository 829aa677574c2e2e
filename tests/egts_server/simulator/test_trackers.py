"""`simulate --protocol <tracker>` against the served process: the demo vehicles' trackers,
relays and phones log in, report, and their fixes are stored under their own terminals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from tests.conftest import REPO, free_port, start_server, stop_server


@pytest.mark.parametrize("protocol", ["wialon", "teltonika", "galileosky", "navtelecom",
                                      "wialonretr", "osmand"])
def test_simulated_trackers_are_stored(dsn: str, tmp_path: Path, protocol: str) -> None:
    port = free_port()
    served = start_server(dsn, tmp_path, f"[{protocol}]\nenabled = true\n"
                                         f"host = \"127.0.0.1\"\nport = {port}\n")
    try:
        subprocess.run(
            [sys.executable, "-m", "egts_server.cli", "simulate", "--protocol", protocol,
             "--vehicles", "2", "--port", str(port), "--interval", "0.5", "--duration", "4"],
            check=True, cwd=REPO, timeout=60, capture_output=True,
            env={**os.environ, "DATABASE_URL": dsn})
    finally:
        stop_server(served)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT t.identifier, count(*), bool_and(p.valid)"
                    " FROM positions p JOIN terminals t ON t.id = p.terminal_id"
                    " WHERE t.protocol = %s GROUP BY t.identifier", (protocol,))
        counts = cur.fetchall()
    conn.close()
    assert len(counts) == 2
    assert all(n >= 3 and valid for _, n, valid in counts)
