"""Wialon Retranslator end to end: a hand-assembled relaying platform over real TCP, the served
process, PostGIS. Two units on one connection, split and glued writes; every 0x11 must find its
fix committed; a block running past its packet is not answered."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

import pytest

from tests.tracker_support import TrackerServer, assert_no_answer, served_tracker

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


served = served_tracker("wialonretr", "p.inputs, p.protocol, p.attributes", with_terminal=True)


def test_relayed_units_are_stored_before_each_answer(served: TrackerServer) -> None:
    sock = served.connect()
    glued = packet("UNIT-A", 0) + packet("UNIT-B", 0) + packet("UNIT-A", 1)
    for start in range(0, len(glued), 11):
        sock.sendall(glued[start:start + 11])
    for n in (1, 2, 3):
        assert sock.recv(1) == b"\x11"
        assert len(served.stored()) >= n  # the answer means the fix is committed
    broken = bytearray(packet("UNIT-A", 3))
    broken[21] = 0xFF  # the posinfo block's size (u32 at 21) now runs past the packet
    sock.close()
    sock = served.connect(timeout=2)
    sock.sendall(bytes(broken))
    assert_no_answer(sock, 2)
    sock.close()

    rows = served.stored()
    assert [(r[0], r[1]) for r in rows] == [
        ("UNIT-A", datetime.fromtimestamp(T0, UTC)),
        ("UNIT-A", datetime.fromtimestamp(T0 + 10, UTC)),
        ("UNIT-B", datetime.fromtimestamp(T0, UTC))]
    assert rows[1][2:] == (pytest.approx(50.55), pytest.approx(137.0101), True, 31, 90, 40, 9,
                           1, "wialonretr", {"param_fuel": 41.5,
                                             "param_driver_name": "Ivanov"})
