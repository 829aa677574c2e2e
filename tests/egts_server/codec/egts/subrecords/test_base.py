"""The span-parsed tables (TELEDATA's, RECORD_RESPONSE): one parser, values built from it.

``unpack`` is each table's only parser; ``decode`` and the server's fold into Positions both
start from its tuple. These properties pin the contract down for every table at once: the tuple
is the dataclass' fields in order, it satisfies every ``__post_init__`` check (so building
values from it unchecked is safe), it reads nothing outside its span, and a span of the wrong
length is refused the way a ``ByteReader`` would refuse it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import (
    REGISTRY,
    TELEDATA_TABLES,
    MalformedSubrecord,
    PosData,
    ResultCodeData,
    UnknownSubrecord,
    WireTable,
    subrecord_type,
)
from egts_server.codec.errors import FormatError, TruncatedError
from egts_server.codec.reader import ByteReader
from tests.builders import egts as build

from . import encode

u8, u16, u24 = st.integers(0, 0xFF), st.integers(0, 0xFFFF), st.integers(0, 0xFFFFFF)
numbers = st.dictionaries(st.integers(1, 8), u24, max_size=8)

#: SRT -> valid SRDs of that table, written by the independent builders.
SRDS: dict[int, st.SearchStrategy[bytes]] = {
    0: st.builds(build.record_response, u16, u8),
    16: st.builds(build.pos_data, lat=st.floats(-90, 90), lon=st.floats(-180, 180),
                  vld=st.booleans(), fix=st.booleans(), cs=st.booleans(), bb=st.booleans(),
                  mv=st.booleans(), speed_kmh=st.floats(0, 1638.3), course=st.integers(0, 511),
                  odometer_km=st.floats(0, 1677721.5), din=u8, src=u8,
                  alt_m=st.one_of(st.none(), st.integers(-0xFFFFFF, 0xFFFFFF)),
                  srcd=st.binary(max_size=4)),
    17: st.builds(build.ext_pos_data, vdop=st.one_of(st.none(), u16),
                  hdop=st.one_of(st.none(), u16), pdop=st.one_of(st.none(), u16),
                  sat=st.one_of(st.none(), u8), ns=st.one_of(st.none(), u16)),
    18: st.builds(build.ad_sensors, dout=u8, adio=st.dictionaries(st.integers(1, 8), u8),
                  ans=numbers),
    19: st.builds(build.counters, numbers),
    20: st.builds(build.state_data, st=u8, mpsv=u8, bbv=u8, ibv=u8, nms=st.booleans(),
                  ibu=st.booleans(), bbu=st.booleans()),
    21: st.builds(build.state_data, mpsv=u8),
    22: st.builds(build.loopin, st.dictionaries(st.integers(1, 8), st.integers(0, 15))),
    23: st.builds(build.abs_dig_sens, st.integers(0, 0xFFF), st.integers(0, 15)),
    24: st.builds(build.abs_an_sens, u8, u24),
    25: st.builds(build.abs_cntr, u8, u24),
    26: st.builds(build.abs_loopin, st.integers(0, 0xFFF), st.integers(0, 15)),
    27: st.one_of(
        st.builds(build.liquid_level, llsn=st.integers(0, 7), maddr=u16,
                  llsvu=st.integers(0, 3), llsef=st.booleans(), value=st.integers(0, 2**32 - 1)),
        st.builds(build.liquid_level, llsn=st.integers(0, 7), raw=st.binary(max_size=8))),
    28: st.one_of(
        st.builds(build.passengers, maddr=u16, drl=u8,
                  doors=st.dictionaries(st.integers(1, 8), st.tuples(u8, u8))),
        st.builds(build.passengers, maddr=u16, raw=st.binary(max_size=8), dpr=u8)),
}
# Tables whose last field takes whatever SRL leaves (they cannot have leftovers).
OPEN_ENDED = {16, 22, 27, 28}


def test_every_teledata_table_is_span_parsed() -> None:
    """TELEDATA's registry entries are exactly the WireTables, and each has a strategy here."""
    assert set(TELEDATA_TABLES) == set(SRDS)
    assert all(issubclass(cls, WireTable) for cls in TELEDATA_TABLES.values())
    assert {srt: REGISTRY[(2, srt)] for srt in TELEDATA_TABLES} == dict(TELEDATA_TABLES)


def names(cls: type[WireTable]) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]


@st.composite
def table_srds(draw: st.DrawFn) -> tuple[type[WireTable], bytes]:
    srt = draw(st.sampled_from(sorted(SRDS)))
    return TELEDATA_TABLES[srt], draw(SRDS[srt])


@given(table_srds(), st.binary(max_size=4), st.binary(max_size=4))
def test_unpack_is_the_fields_in_order_and_checks_what_post_init_checks(
        case: tuple[type[WireTable], bytes], before: bytes, after: bytes) -> None:
    """The tuple builds the same value checked or unchecked, and re-encodes to the SRD."""
    cls, srd = case
    values = cls.unpack(before + srd + after, len(before), len(before) + len(srd))
    checked: Any = cls(**dict(zip(names(cls), values, strict=True)))  # runs __post_init__
    assert cls.from_fields(values) == checked
    assert checked.field_values() == values
    assert encode(checked) == srd
    assert cls.decode(ByteReader(srd)) == checked


@given(table_srds())
def test_a_short_span_is_truncated(case: tuple[type[WireTable], bytes]) -> None:
    """One byte too few: TruncatedError (unless the table's tail is open-ended)."""
    cls, srd = case
    try:
        cls.unpack(srd, 0, len(srd) - 1)
    except TruncatedError:
        return
    except FormatError:  # a shorter open tail that happens to parse as another layout
        assert cls.SRT in OPEN_ENDED
        return
    assert cls.SRT in OPEN_ENDED


@given(table_srds(), st.binary(min_size=1, max_size=4))
def test_leftover_bytes_are_a_format_error(case: tuple[type[WireTable], bytes],
                                           extra: bytes) -> None:
    """SRL is authoritative: bytes a fixed layout does not use are refused."""
    cls, srd = case
    if cls.SRT in OPEN_ENDED:
        return
    with pytest.raises(FormatError):
        cls.unpack(srd + extra, 0, len(srd) + len(extra))


@pytest.mark.parametrize("srd", [b"", b"\x10"])
def test_empty_or_tiny_spans_are_truncated(srd: bytes) -> None:
    """Every table refuses a span too short for what its first byte announces."""
    for cls in TELEDATA_TABLES.values():
        with pytest.raises(TruncatedError):
            cls.unpack(srd, 0, len(srd))


def test_unchecked_values_compare_and_hash_like_checked_ones() -> None:
    """from_fields gives an ordinary frozen value: equal, hashable, immutable."""
    srd = build.pos_data(alt_m=12, srcd=b"\x01\x02")
    built = PosData.from_fields(PosData.unpack(srd, 0, len(srd)))
    checked = PosData(**{n: getattr(built, n) for n in names(PosData)})
    assert built == checked and hash(built) == hash(checked)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.speed = 1  # type: ignore[misc]


def test_subrecord_type_is_the_tables_srt_or_the_one_kept_with_raw_bytes() -> None:
    """A known table answers with its class' SRT; an unknown or malformed one with the SRT it
    arrived under (not its service)."""
    assert subrecord_type(ResultCodeData(code=0)) == 9
    assert subrecord_type(UnknownSubrecord(service=2, srt=99, data=b"\x01")) == 99
    assert subrecord_type(MalformedSubrecord(service=2, srt=24, data=b"", reason="short")) == 24
