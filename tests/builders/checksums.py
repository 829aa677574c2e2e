"""Bitwise checksums for the tests' hand-made packets, written from the algorithms' definitions
and not from ``egts_server.codec.crc``: a second oracle. Nothing here imports ``egts_server``.
"""

from __future__ import annotations


def crc8(data: bytes) -> int:
    """CRC-8, poly 0x31, init 0xFF (GOST 33472 App. А; NavTelecom FLEX uses it too)."""
    crc = 0xFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x31) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE, poly 0x1021, init 0xFFFF (GOST 33472 App. А)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def _crc16_reflected(data: bytes, crc: int) -> int:
    """CRC-16 with poly 0xA001 (0x8005 reflected), no final xor, from ``crc``."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def crc16_modbus(data: bytes) -> int:
    """CRC-16/MODBUS (NDTP, Galileosky): init 0xFFFF."""
    return _crc16_reflected(data, 0xFFFF)


def crc16_arc(data: bytes) -> int:
    """CRC-16/ARC, also called IBM (Teltonika, Wialon IPS 2.0): init 0."""
    return _crc16_reflected(data, 0)
