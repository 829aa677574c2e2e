"""What the tracker intake tests share: a served process with one tracker listener switched on
and the fixes it stored, reading exactly n answer bytes (or none at all), a packet with a
broken checksum, and the demo's simulated devices run against a served listener."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from tests.conftest import REPO, Served, free_port, start_server, stop_server

FIX_COLUMNS = ("p.fix_time, ST_Y(p.geom), ST_X(p.geom), p.valid, p.speed_kmh, p.course_deg,"
               " p.altitude_m, p.satellites")


@dataclass(frozen=True)
class TrackerServer:
    """The served process with one tracker listener switched on, as its test sees it: where a
    device connects, and what was stored."""

    process: Served
    port: int
    protocol: str
    columns: str  # read after FIX_COLUMNS (``p`` is positions)
    identifier: str | None  # one terminal's fixes; None: every terminal's
    with_terminal: bool  # lead each row with the terminal's identifier

    @property
    def dsn(self) -> str:
        return self.process.dsn

    def connect(self, timeout: float = 10) -> socket.socket:
        """A device's connection to the listener."""
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def stored(self) -> list[tuple[Any, ...]]:
        """The stored fixes of the protocol by terminal and fix time."""
        where = "t.protocol = %s" + ("" if self.identifier is None else " AND t.identifier = %s")
        args = (self.protocol,) if self.identifier is None else (self.protocol, self.identifier)
        lead = "t.identifier, " if self.with_terminal else ""
        with psycopg2.connect(self.dsn) as conn, conn.cursor() as cur:
            cur.execute(f"SELECT {lead}{FIX_COLUMNS}, {self.columns} FROM positions p"
                        f" JOIN terminals t ON t.id = p.terminal_id WHERE {where}"
                        " ORDER BY t.identifier, p.fix_time", args)
            rows: list[tuple[Any, ...]] = cur.fetchall()
        conn.close()
        return rows


def served_tracker(section: str, columns: str, identifier: str | None = None, *,
                   with_terminal: bool = False) -> Any:
    """A test module's ``served`` fixture: a ``TrackerServer`` with ``[section]`` enabled on a
    free port, reading ``columns`` of the fixes stored under that protocol."""

    @pytest.fixture()
    def served(dsn: str, tmp_path: Path) -> Iterator[TrackerServer]:
        port = free_port()
        process = start_server(dsn, tmp_path, f"[{section}]\nenabled = true\n"
                                              f"host = \"127.0.0.1\"\nport = {port}\n")
        yield TrackerServer(process, port, section, columns, identifier, with_terminal)
        stop_server(process)

    return served


def read_exactly(sock: socket.socket, n: int) -> bytes:
    """``n`` bytes, or fewer when the server closes the connection first."""
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def assert_no_answer(sock: socket.socket, seconds: float = 1.5) -> None:
    """The server writes nothing for ``seconds`` (and keeps the connection)."""
    sock.settimeout(seconds)
    with pytest.raises(TimeoutError):
        sock.recv(1)


def broken_checksum(packet: bytes) -> bytes:
    """``packet`` with its last byte (its checksum's) flipped."""
    return packet[:-1] + bytes((packet[-1] ^ 0xFF,))


def simulated_fixes_stored(dsn: str, tmp_path: Path, protocol: str
                           ) -> list[tuple[str, int, bool]]:
    """Run `simulate --protocol <protocol>` (two vehicles, four seconds) against a served
    process with that listener on; (identifier, fixes, all valid) per stored terminal."""
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
        counts: list[tuple[str, int, bool]] = cur.fetchall()
    conn.close()
    return counts
