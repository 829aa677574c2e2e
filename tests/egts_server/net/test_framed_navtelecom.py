"""NavTelecom end to end: a hand-assembled FLEX device over real TCP, the served process,
PostGIS. NTCB envelopes, the FLEX offer and the ``~A``/``~T`` frames (with an independent
CRC-8) are written out here; each answer must find its records committed."""

from __future__ import annotations

import struct
from datetime import UTC, datetime
from functools import reduce
from operator import xor

import pytest

from tests.builders.checksums import crc8
from tests.tracker_support import (
    TrackerServer,
    assert_no_answer,
    broken_checksum,
    read_exactly,
    served_tracker,
)

IMEI = b"866795031410689"
T0 = 1_770_102_000
FIELDS = (3, 8, 9, 10, 11, 12, 13, 14, 19, 29)  # record: 4+1+4+4+4+4+4+2+2+1 = 30 bytes


def ntcb(data: bytes) -> bytes:
    head = b"@NTC" + struct.pack("<IIH", 0, 1, len(data)) + bytes((reduce(xor, data, 0),))
    return head + bytes((reduce(xor, head, 0),)) + data


def offer() -> bytes:
    bits = bytearray(4)
    for n in FIELDS:
        bits[(n - 1) // 8] |= 0x80 >> ((n - 1) % 8)
    return ntcb(b"*>FLEX" + bytes((0xB0, 0x14, 0x14, 32)) + bytes(bits))


def record(i: int) -> bytes:
    return (struct.pack("<I", T0 + 10 * i) + bytes((9 << 2 | 2,)) + struct.pack("<I", T0 + 10 * i)
            + struct.pack("<ii", 30_330_000, 82_206_000 + 60 * i) + struct.pack("<i", 400)
            + struct.pack("<f", 36.0) + struct.pack("<H", 90) + struct.pack("<h", 12800)
            + bytes((1,)))


def flex(body: bytes) -> bytes:
    return body + bytes((crc8(body),))


served = served_tracker("navtelecom", "p.inputs, p.protocol, p.attributes", IMEI.decode())


def test_device_negotiates_and_every_answered_record_is_stored(
        served: TrackerServer) -> None:
    sock = served.connect()
    sock.sendall(ntcb(b"*>S:" + IMEI))
    assert read_exactly(sock, 19)[16:] == b"*<S"
    sock.sendall(offer())
    assert read_exactly(sock, 25)[16:] == b"*<FLEX\xb0\x14\x14"

    batch = flex(b"~A\x03" + record(0) + record(1) + record(2))
    now = flex(b"~T" + struct.pack("<I", 77) + record(3))
    glued = batch + now
    for start in range(0, len(glued), 7):
        sock.sendall(glued[start:start + 7])
    assert read_exactly(sock, 4) == flex(b"~A\x03")
    assert len(served.stored()) >= 3  # answered means committed
    assert read_exactly(sock, 7) == flex(b"~T" + struct.pack("<I", 77))
    assert len(served.stored()) == 4

    sock.sendall(broken_checksum(flex(b"~A\x01" + record(4))))
    assert_no_answer(sock)
    sock.close()

    for i, row in enumerate(served.stored()):
        assert row[0] == datetime.fromtimestamp(T0 + 10 * i, UTC)
        assert row[1] == pytest.approx(50.55) and row[2] == pytest.approx(137.01 + 1e-4 * i)
        assert row[3:10] == (True, 36, 90, 40, 9, 1, "navtelecom")
        assert row[10] == {"voltage_main_v": 12.8}
