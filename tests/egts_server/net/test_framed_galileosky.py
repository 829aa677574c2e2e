"""Galileosky end to end: a hand-assembled device over real TCP, the served process, PostGIS.

Tags, length and CRC-16/MODBUS are written out here byte by byte (independent of the codec).
The head packet is confirmed after the registry's yes; each data packet's confirmation (0x02 +
its CRC) must find its records committed; a packet with a broken CRC is not confirmed.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime

import pytest

from tests.builders.checksums import crc16_modbus
from tests.tracker_support import (
    TrackerServer,
    assert_no_answer,
    broken_checksum,
    read_exactly,
    served_tracker,
)

IMEI = b"868204001269934"
T0 = 1_770_102_000


def packet(tags: bytes, archive: bool = False) -> bytes:
    body = b"\x01" + struct.pack("<H", len(tags) | (0x8000 if archive else 0)) + tags
    return body + struct.pack("<H", crc16_modbus(body))


def record(i: int) -> bytes:
    return (b"\x10" + struct.pack("<H", i) + b"\x20" + struct.pack("<I", T0 + 10 * i)
            + b"\x30" + bytes((0x0A,)) + struct.pack("<ii", 50_550_000, 137_010_000 + 100 * i)
            + b"\x33" + struct.pack("<HH", 300 + i, 900) + b"\x34" + struct.pack("<h", 40)
            + b"\x35" + bytes((9,)) + b"\x41" + struct.pack("<H", 12800)
            + b"\x46" + struct.pack("<H", 1) + b"\x50" + struct.pack("<H", 4200))


served = served_tracker("galileosky", "p.hdop, p.inputs, p.protocol, p.attributes",
                        IMEI.decode())


def test_device_logs_in_and_every_confirmed_record_is_stored(
        served: TrackerServer) -> None:
    sock = served.connect()
    head = packet(b"\x01\x82\x02\x12\x03" + IMEI + b"\x04\x32\x00", archive=True)
    sock.sendall(head)
    assert read_exactly(sock, 3) == b"\x02" + head[-2:]

    batch = packet(record(0) + record(1) + record(2), archive=True)
    single = packet(record(3))
    glued = batch + single
    for start in range(0, len(glued), 9):
        sock.sendall(glued[start:start + 9])
    assert read_exactly(sock, 3) == b"\x02" + batch[-2:]
    assert len(served.stored()) >= 3  # confirmed means committed
    assert read_exactly(sock, 3) == b"\x02" + single[-2:]
    assert len(served.stored()) == 4

    sock.sendall(broken_checksum(packet(record(4))))
    assert_no_answer(sock)
    sock.close()

    for i, row in enumerate(served.stored()):
        assert row[0] == datetime.fromtimestamp(T0 + 10 * i, UTC)
        assert row[1] == pytest.approx(50.55) and row[2] == pytest.approx(137.01 + 1e-4 * i)
        assert row[3:11] == (True, pytest.approx(30 + i / 10), 90, 40, 10, pytest.approx(0.9),
                             1, "galileosky")
        assert row[11] == {"tag10": i, "voltage_main_v": 12.8, "adc1": 4200}
