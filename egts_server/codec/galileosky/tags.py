"""The tags of one Galileosky packet, cut into records, and written back.

A record is a run of tags in which no tag repeats: the device sends the same tag set for each
of its records, so a tag seen again starts the next record. A tag without a known size stops
the reading: what follows cannot be cut; the records before it stand, and the rest is kept raw
(``Tags.tail``).
"""

from __future__ import annotations

from dataclasses import dataclass

from egts_server.codec.galileosky.constants import LENGTH_PREFIXED, TAG_SIZES

TagValue = bytes  # the value as sent (little-endian numbers are read by to_positions)


@dataclass(frozen=True, slots=True)
class Tags:
    records: tuple[dict[int, TagValue], ...]
    tail: bytes = b""  # from the first tag of unknown size on
    unknown_tag: int | None = None


def read_tags(data: bytes) -> Tags:
    """The records in ``data`` (the tags part of a packet); never raises."""
    records: list[dict[int, TagValue]] = []
    current: dict[int, TagValue] = {}
    pos = 0
    while pos < len(data):
        tag = data[pos]
        if tag in LENGTH_PREFIXED:
            size = data[pos + 1] + 1 if pos + 1 < len(data) else len(data)
        else:
            size = TAG_SIZES.get(tag, -1)
        if size < 0 or pos + 1 + size > len(data):
            if current:
                records.append(current)
            return Tags(tuple(records), data[pos:], tag)
        if tag in current:
            records.append(current)
            current = {}
        current[tag] = data[pos + 1:pos + 1 + size]
        pos += 1 + size
    if current:
        records.append(current)
    return Tags(tuple(records))


def write_tags(records: list[dict[int, TagValue]]) -> bytes:
    """The tags of ``records`` in order (the device's side; round trips)."""
    return b"".join(bytes((tag,)) + value for record in records for tag, value in record.items())
