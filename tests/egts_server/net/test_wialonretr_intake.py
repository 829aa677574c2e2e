"""Wialon Retranslator end to end: a hand-assembled relaying platform over real TCP, the served
process, PostGIS. Two units on one connection, split and glued writes; every 0x11 must find its
fix committed; a block running past its packet is not answered."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Served
from tests.tracker_support import stored_fixes, tracker_server

T0 = 1_770_102_000  # 2026-02-03 07:00:00 UTC


def block(kind: int, name: str, raw: bytes) -> bytes:
    content = bytes((1, kind)) + name.encode() + b"\0" + raw
    return struct.pack(">HI", 0x0BBB, len(content)) + content


def packet(unit: str, i: int) -> bytes:
    body = unit.encode() + b"\0" + struct.pack(">II", T0 + 10 * i, 3)
    body += block(2, "posinfo", struct.pack("<ddd", 137.01 + 1e-4 * i, 50.55, 40.0)
                  + struct.pack(">HHB", 30 + i, 90, 9))
    body += block(3, "avl_inputs", struct.pack(">i", 1))
    body += block(4, "fuel", struct.pack("<d", 41.5))
    body += block(1, "driver_name", b"Ivanov\0")
    return struct.pack("<I", len(body)) + body


@pytest.fixture()
def served(dsn: str, tmp_path: Path) -> Iterator[tuple[Served, int]]:
    yield from tracker_server(dsn, tmp_path, "wialonretr")


def stored(dsn: str) -> list[tuple[Any, ...]]:
    return stored_fixes(dsn, "wialonretr", "p.inputs, p.protocol, p.attributes", with_terminal=True)


def test_relayed_units_are_stored_before_each_answer(served: tuple[Served, int]) -> None:
    server, port = served
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    glued = packet("UNIT-A", 0) + packet("UNIT-B", 0) + packet("UNIT-A", 1)
    for start in range(0, len(glued), 11):
        sock.sendall(glued[start:start + 11])
    for n in (1, 2, 3):
        assert sock.recv(1) == b"\x11"
        assert len(stored(server.dsn)) >= n  # the answer means the fix is committed
    broken = bytearray(packet("UNIT-A", 3))
    broken[21] = 0xFF  # the posinfo block's size (u32 at 21) now runs past the packet
    sock.close()
    sock = socket.create_connection(("127.0.0.1", port), timeout=2)
    sock.sendall(bytes(broken))
    with pytest.raises(TimeoutError):
        sock.recv(1)
    sock.close()

    rows = stored(server.dsn)
    assert [(r[0], r[1]) for r in rows] == [
        ("UNIT-A", datetime.fromtimestamp(T0, UTC)),
        ("UNIT-A", datetime.fromtimestamp(T0 + 10, UTC)),
        ("UNIT-B", datetime.fromtimestamp(T0, UTC))]
    assert rows[1][2:] == (pytest.approx(50.55), pytest.approx(137.0101), True, 31, 90, 40, 9,
                           1, "wialonretr", {"param_fuel": 41.5,
                                             "param_driver_name": "Ivanov"})
