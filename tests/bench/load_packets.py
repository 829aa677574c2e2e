"""The EGTS packets of the load generator's terminals, built with struct and crcmod (fast
enough for a flood) and checked once against the independent builders in tests.builders.egts."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

import crcmod

EPOCH = datetime(2010, 1, 1, tzinfo=UTC)
FIX_BASE = int((datetime(2026, 5, 4, 0, 0, tzinfo=UTC) - EPOCH).total_seconds())

_crc8 = crcmod.mkCrcFun(0x131, initCrc=0xFF, rev=False, xorOut=0)
_crc16 = crcmod.mkCrcFun(0x11021, initCrc=0xFFFF, rev=False, xorOut=0)
_HEADER = struct.Struct("<BBBBBHHB")
_RECORD = struct.Struct("<HHBIBB")  # RL RN RFL OID SST RST (RFL = OID present)
_POS = struct.Struct("<BHIIIBHB3sBB")  # SRT SRL | NTM LAT LONG FLG SPD DIR ODM DIN SRC


def packet(pid: int, body: bytes) -> bytes:
    head = _HEADER.pack(1, 0, 0, 11, 0, len(body), pid & 0xFFFF, 1)
    return head + bytes([_crc8(head)]) + body + struct.pack("<H", _crc16(body))


def pos_record(rn: int, oid: int, ntm: int, lat: float, lon: float) -> bytes:
    pos = _POS.pack(16, 21, ntm, int(lat / 90 * 0xFFFFFFFF), int(lon / 180 * 0xFFFFFFFF), 0x03,
                    200, 90, b"\x00\x00\x00", 0, 0)
    return _RECORD.pack(len(pos), rn & 0xFFFF, 0x01, oid, 2, 2) + pos


def login_packet(tid: int) -> bytes:
    ident = struct.pack("<BHIB", 1, 5, tid, 0)  # SRT 1 TERM_IDENTITY, SRL 5: TID, flags 0
    return packet(0, _RECORD.pack(len(ident), 0, 0x01, tid, 1, 1) + ident)


def result_ack(rpid: int, crn: int) -> bytes:
    """Our PT_RESPONSE to the platform's RESULT_CODE packet."""
    sub = struct.pack("<BHHB", 0, 3, crn, 0)
    body = struct.pack("<HB", rpid, 0) + struct.pack("<HHBBB", len(sub), 0, 0, 1, 1) + sub
    head = _HEADER.pack(1, 0, 0, 11, 0, len(body), 1, 0)
    return head + bytes([_crc8(head)]) + body + struct.pack("<H", _crc16(body))


def self_check() -> None:
    """Our fast packets must equal the independent builders' bytes."""
    from tests.builders import egts as build

    when = datetime.fromtimestamp(EPOCH.timestamp() + FIX_BASE, UTC)
    ours = packet(7, pos_record(3, 4242, FIX_BASE, 50.5, 137.0))
    theirs = build.packet(pid=7, records=[build.pos_record(
        rn=3, oid=4242, time=when, lat=50.5, lon=137.0, vld=True, fix=True, speed_kmh=20.0,
        course=90)])
    assert ours == theirs, "bench packet encoder disagrees with tests.builders.egts"
    assert login_packet(9) == build.packet(pid=0, records=[build.auth_record(rn=0, tid=9, oid=9)])

