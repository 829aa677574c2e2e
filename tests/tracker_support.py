"""What the tracker intake tests share: a served process with one tracker listener switched on,
reading exactly n answer bytes, and the fixes stored for a terminal."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2

from tests.conftest import Served, free_port, start_server, stop_server


def tracker_server(dsn: str, tmp_path: Path, section: str) -> Iterator[tuple[Served, int]]:
    """For a fixture: the served process with ``[section]`` enabled on a free port."""
    port = free_port()
    server = start_server(dsn, tmp_path, f"[{section}]\nenabled = true\nhost = \"127.0.0.1\"\n"
                                         f"port = {port}\n")
    yield server, port
    stop_server(server)


def read_exactly(sock: socket.socket, n: int) -> bytes:
    """``n`` bytes, or fewer when the server closes the connection first."""
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


FIX_COLUMNS = ("p.fix_time, ST_Y(p.geom), ST_X(p.geom), p.valid, p.speed_kmh, p.course_deg,"
               " p.altitude_m, p.satellites")


def stored_fixes(dsn: str, protocol: str, extra_columns: str, identifier: str | None = None, *,
                 with_terminal: bool = False) -> list[tuple[Any, ...]]:
    """The stored fixes of ``protocol`` (one terminal's, given ``identifier``) by terminal and
    fix time: ``FIX_COLUMNS`` then ``extra_columns`` (``p`` is positions), led by the
    terminal's identifier ``with_terminal``."""
    where = "t.protocol = %s" + ("" if identifier is None else " AND t.identifier = %s")
    args = (protocol,) if identifier is None else (protocol, identifier)
    lead = "t.identifier, " if with_terminal else ""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT {lead}{FIX_COLUMNS}, {extra_columns} FROM positions p"
                    f" JOIN terminals t ON t.id = p.terminal_id WHERE {where}"
                    " ORDER BY t.identifier, p.fix_time", args)
        rows: list[tuple[Any, ...]] = cur.fetchall()
    conn.close()
    return rows
