"""The device side of Teltonika AVL over TCP: the IMEI message and AVL packets (simulator,
tests, round trips). The inverse of ``Framer`` + ``Session``'s reading."""

from __future__ import annotations

from egts_server.codec.crc import crc16_arc
from egts_server.codec.teltonika.constants import PREAMBLE
from egts_server.codec.teltonika.records import AvlRecord, write_records


def imei_message(imei: str) -> bytes:
    return len(imei).to_bytes(2, "big") + imei.encode("ascii")


def avl_packet(codec: int, records: list[AvlRecord]) -> bytes:
    """One AVL packet of ``records`` in ``codec`` (at most 255 records)."""
    n = len(records).to_bytes(1, "big")
    data = bytes((codec,)) + n + write_records(codec, records) + n
    return PREAMBLE + len(data).to_bytes(4, "big") + data + crc16_arc(data).to_bytes(4, "big")
