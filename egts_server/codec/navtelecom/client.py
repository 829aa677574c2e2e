"""The device side of NavTelecom: handshake, FLEX negotiation and data frames (tests)."""

from __future__ import annotations

from egts_server.codec.navtelecom.fields import FIELD_SIZES
from egts_server.codec.navtelecom.ntcb import ntcb
from egts_server.codec.navtelecom.session import flex_answer

FLEX_PROTOCOL = 0xB0
FLEX_VERSIONS = (0x0A, 0x14, 0x1E)  # FLEX 1.0, 2.0, 3.0


def handshake(imei: str, device: int = 1, server: int = 0) -> bytes:
    return ntcb(server, device, b"*>S:" + imei.encode())


def negotiation(fields: list[int], version: int = 0x14, device: int = 1, server: int = 0) -> bytes:
    count = max(fields)
    bits = bytearray((count + 7) // 8)
    for n in fields:
        bits[(n - 1) // 8] |= 0x80 >> ((n - 1) % 8)
    data = b"*>FLEX" + bytes((FLEX_PROTOCOL, version, version, count)) + bytes(bits)
    return ntcb(server, device, data)


def archive(records: list[dict[int, bytes]]) -> bytes:
    """``~A`` with ``records`` (each: field -> value of FIELD_SIZES[field] bytes, in order)."""
    for record in records:
        assert all(len(v) == FIELD_SIZES[n] for n, v in record.items())
    body = b"~A" + bytes((len(records),)) + b"".join(
        b"".join(v for _, v in sorted(r.items())) for r in records)
    return flex_answer(body)


def current(index: int, record: dict[int, bytes]) -> bytes:
    body = b"~T" + index.to_bytes(4, "little") + b"".join(v for _, v in sorted(record.items()))
    return flex_answer(body)
