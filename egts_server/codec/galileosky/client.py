"""The device side of Galileosky: packets of tag records (tests, round trips)."""

from __future__ import annotations

from egts_server.codec.crc import crc16_modbus
from egts_server.codec.galileosky.constants import ARCHIVE_FLAG, DATA
from egts_server.codec.galileosky.tags import TagValue, write_tags


def build_packet(records: list[dict[int, TagValue]], *, archive: bool = False) -> bytes:
    tags = write_tags(records)
    head = bytes((DATA,)) + (len(tags) | (ARCHIVE_FLAG if archive else 0)).to_bytes(2, "little")
    body = head + tags
    return body + crc16_modbus(body).to_bytes(2, "little")
