"""Galileosky end to end: a hand-assembled device over real TCP, the served process, PostGIS.

Tags, length and CRC-16/MODBUS are written out here byte by byte (independent of the codec).
The head packet is confirmed after the registry's yes; each data packet's confirmation (0x02 +
its CRC) must find its records committed; a packet with a broken CRC is not confirmed.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Served
from tests.tracker_support import read_exactly, stored_fixes, tracker_server

IMEI = b"868204001269934"
T0 = 1_770_102_000


def modbus(data: bytes) -> int:
    value = 0xFFFF
    for byte in data:
        value ^= byte
        for _ in range(8):
            value = (value >> 1) ^ 0xA001 if value & 1 else value >> 1
    return value


def packet(tags: bytes, archive: bool = False) -> bytes:
    body = b"\x01" + struct.pack("<H", len(tags) | (0x8000 if archive else 0)) + tags
    return body + struct.pack("<H", modbus(body))


def record(i: int) -> bytes:
    return (b"\x10" + struct.pack("<H", i) + b"\x20" + struct.pack("<I", T0 + 10 * i)
            + b"\x30" + bytes((0x0A,)) + struct.pack("<ii", 50_550_000, 137_010_000 + 100 * i)
            + b"\x33" + struct.pack("<HH", 300 + i, 900) + b"\x34" + struct.pack("<h", 40)
            + b"\x35" + bytes((9,)) + b"\x41" + struct.pack("<H", 12800)
            + b"\x46" + struct.pack("<H", 1) + b"\x50" + struct.pack("<H", 4200))


@pytest.fixture()
def served(dsn: str, tmp_path: Path) -> Iterator[tuple[Served, int]]:
    yield from tracker_server(dsn, tmp_path, "galileosky")


def stored(dsn: str) -> list[tuple[Any, ...]]:
    return stored_fixes(dsn, "galileosky", "p.hdop, p.inputs, p.protocol, p.attributes",
                        IMEI.decode())


def test_device_logs_in_and_every_confirmed_record_is_stored(
        served: tuple[Served, int]) -> None:
    server, port = served
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    head = packet(b"\x01\x82\x02\x12\x03" + IMEI + b"\x04\x32\x00", archive=True)
    sock.sendall(head)
    assert read_exactly(sock, 3) == b"\x02" + head[-2:]

    batch = packet(record(0) + record(1) + record(2), archive=True)
    single = packet(record(3))
    glued = batch + single
    for start in range(0, len(glued), 9):
        sock.sendall(glued[start:start + 9])
    assert read_exactly(sock, 3) == b"\x02" + batch[-2:]
    assert len(stored(server.dsn)) >= 3  # confirmed means committed
    assert read_exactly(sock, 3) == b"\x02" + single[-2:]
    assert len(stored(server.dsn)) == 4

    broken = bytearray(packet(record(4)))
    broken[-1] ^= 0xFF
    sock.sendall(bytes(broken))
    sock.settimeout(1.5)
    with pytest.raises(TimeoutError):
        sock.recv(1)
    sock.close()

    for i, row in enumerate(stored(server.dsn)):
        assert row[0] == datetime.fromtimestamp(T0 + 10 * i, UTC)
        assert row[1] == pytest.approx(50.55) and row[2] == pytest.approx(137.01 + 1e-4 * i)
        assert row[3:11] == (True, pytest.approx(30 + i / 10), 90, 40, 10, pytest.approx(0.9),
                             1, "galileosky")
        assert row[11] == {"tag10": i, "voltage_main_v": 12.8, "adc1": 4200}
