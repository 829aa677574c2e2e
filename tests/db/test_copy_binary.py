"""The writer's COPY BINARY encoding, checked without a database against an independent reader
(each encoder that is built: the pure reference and the compiled one)."""

from __future__ import annotations

import json
import struct
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db import copy_binary
from db.copy_binary import attributes_json
from db.positions import FixRow
from egts_server.model import DeviceKey, Position
from tests.db.copy_encoders import ENCODERS, Encoder

T0 = datetime(2026, 3, 2, 6, 0, 0, 250_000, tzinfo=UTC)
PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

values = st.one_of(st.booleans(), st.integers(-2**63, 2**63 - 1), st.floats(), st.text())
attribute_maps = st.dictionaries(st.text(), values, max_size=8)


def reference(attributes: dict[Any, Any]) -> str:
    return json.dumps(attributes, separators=(",", ":"), ensure_ascii=False)


@given(attribute_maps)
def test_attributes_json_is_what_json_writes(attributes: dict[str, Any]) -> None:
    """Whatever the values (NaN, huge integers, quotes, percent signs), the text is json's."""
    copy_binary._TEMPLATES.clear()  # shared: past its bound, json itself would write the text
    assert attributes_json(MappingProxyType(attributes)) == reference(attributes)
    assert attributes_json(attributes) == reference(attributes)  # the cached template again


def test_keys_that_are_not_text_take_json_itself() -> None:
    """A key json would convert (an integer) is not templated; the text is still json's."""
    attributes: dict[Any, Any] = {1: True, "a%s": 2}
    assert attributes_json(attributes) == '{"1":true,"a%s":2}'


def test_template_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Key sets come from the terminals: past the bound, json writes the rest."""
    monkeypatch.setattr(copy_binary, "_TEMPLATES", {})
    monkeypatch.setattr(copy_binary, "_MAX_TEMPLATES", 3)
    for n in range(10):
        attributes = {f"lls{n}_level": n, "moving": False}
        assert attributes_json(attributes) == reference(attributes)
    assert len(copy_binary._TEMPLATES) == 3


# -- the COPY stream, read back by a reader written from PostgreSQL's documentation ----------

def read_copy(data: bytes) -> list[list[bytes | None]]:
    assert data[:11] == b"PGCOPY\n\xff\r\n\x00"
    flags, extension = struct.unpack_from(">ii", data, 11)
    pos = 19 + extension
    rows = []
    while True:
        (count,) = struct.unpack_from(">h", data, pos)
        pos += 2
        if count == -1:
            assert pos == len(data)
            return rows
        fields: list[bytes | None] = []
        for _ in range(count):
            (length,) = struct.unpack_from(">i", data, pos)
            pos += 4
            fields.append(None if length == -1 else data[pos:pos + length])
            pos += max(length, 0)
        rows.append(fields)


def micros(when: datetime) -> int:
    return (when - PG_EPOCH) // timedelta(microseconds=1)


@pytest.mark.parametrize("encode_copy", ENCODERS)
def test_copy_stream_holds_every_column_in_order(encode_copy: Encoder) -> None:
    """One row with every optional value, one with none: values and NULLs where they belong."""
    full = Position(device=DeviceKey("egts", "7"), fix_time=T0, latitude=-33.5,
                    longitude=-70.25, valid=True, speed_kmh=12.5, course_deg=359.0,
                    altitude_m=-10.0, satellites=9, hdop=0.8, inputs=5, odometer_m=1234.5,
                    black_box=True, pz90=True, attributes=MappingProxyType({"din1": 1}))
    bare = Position(device=DeviceKey("ndtp", "8"), fix_time=T0 + timedelta(seconds=1),
                    latitude=50.5, longitude=137.0, valid=False, speed_kmh=0.0,
                    course_deg=0.0)
    received = T0 + timedelta(seconds=3)
    rows = read_copy(encode_copy([FixRow(11, 21, received, full), FixRow(12, None, received,
                                                                            bare)]))
    assert [len(r) for r in rows] == [18, 18]
    first, second = rows
    assert first == [
        struct.pack(">q", 11), struct.pack(">q", 21), struct.pack(">q", micros(T0)),
        struct.pack(">q", micros(received)), struct.pack(">d", -33.5),
        struct.pack(">d", -70.25), b"\x01", struct.pack(">f", 12.5), struct.pack(">f", 359.0),
        struct.pack(">f", -10.0), struct.pack(">h", 9), struct.pack(">f", 0.8),
        struct.pack(">q", 5), struct.pack(">d", 1234.5), b"\x01", b"\x01", b"egts",
        b'\x01{"din1":1}']
    assert second[1] is None and second[6] == b"\x00"
    assert second[9:14] == [None] * 5
    assert second[16:] == [b"ndtp", b"\x01{}"]
