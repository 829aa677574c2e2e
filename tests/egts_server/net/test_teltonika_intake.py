"""Teltonika end to end: a hand-written device over real TCP, the served process, PostGIS.

Packets are assembled here byte by byte as the vendor's description lays them out (with an
independent bitwise CRC-16/IBM), not by the codec. Every record count must find its records
already committed.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime

import pytest

from tests.builders.checksums import crc16_arc
from tests.tracker_support import TrackerServer, broken_checksum, read_exactly, served_tracker

IMEI = b"356307042441013"
T0_MS = 1_770_102_000_000  # 2026-02-03 07:00:00 UTC


def record8(i: int) -> bytes:
    """Codec 8: DIN1 on, AIN1, external voltage, odometer; one element of each width."""
    gps = struct.pack(">QBiihHBH", T0_MS + 10_000 * i, 0, 1370100000 + 1000 * i,
                      505500000 + 1000 * i, 40, 90, 9, 30 + i)
    io = (bytes((0, 4, 1, 1, 1, 2, 9)) + struct.pack(">H", 4200) + bytes((66,))
          + struct.pack(">H", 12800) + bytes((1, 16)) + struct.pack(">I", 1000 + i) + b"\0")
    return gps + io


def packet(codec: int, records: list[bytes]) -> bytes:
    data = bytes((codec, len(records))) + b"".join(records) + bytes((len(records),))
    return b"\0\0\0\0" + struct.pack(">I", len(data)) + data + struct.pack(">I", crc16_arc(data))


served = served_tracker("teltonika", "p.inputs, p.odometer_m, p.protocol, p.attributes",
                        IMEI.decode())


def test_device_sends_split_and_glued_packets_and_every_field_is_stored(
        served: TrackerServer) -> None:
    sock = served.connect()
    sock.sendall(struct.pack(">H", len(IMEI)) + IMEI)
    assert read_exactly(sock, 1) == b"\x01"

    glued = packet(8, [record8(0), record8(1), record8(2)]) + packet(8, [record8(3)])
    for start in range(0, len(glued), 13):
        sock.sendall(glued[start:start + 13])
    assert read_exactly(sock, 4) == struct.pack(">I", 3)
    assert len(served.stored()) >= 3  # the count means the records are committed
    assert read_exactly(sock, 4) == struct.pack(">I", 1)
    assert len(served.stored()) == 4

    sock.sendall(broken_checksum(packet(8, [record8(4)])))
    assert read_exactly(sock, 4) == b"\0\0\0\0"
    assert len(served.stored()) == 4
    sock.sendall(b"\x01\x02\x03\x04\x05\x06\x07\x08")  # not a packet header: closed
    assert read_exactly(sock, 1) == b""
    sock.close()

    for i, row in enumerate(served.stored()):
        assert row[0] == datetime.fromtimestamp((T0_MS + 10_000 * i) / 1000, UTC)
        assert row[1] == pytest.approx(50.55 + 1e-4 * i) and row[2] == pytest.approx(
            137.01 + 1e-4 * i)
        assert row[3:11] == (True, 30 + i, 90, 40, 9, 1, 1000 + i, "teltonika")
        assert row[11] == {"io1": 1, "io9": 4200, "adc1": 4200, "io66": 12800,
                           "voltage_main_v": 12.8, "io16": 1000 + i}
