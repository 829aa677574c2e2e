"""NAVDATA cells: each layout decoded to a full value and encoded back; sizes; the raw tail."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.errors import TruncatedError
from egts_server.codec.ndtp import (
    CELL_SIZES,
    CanCell,
    IntSensorCell,
    NavCell,
    NavData,
    RawCell,
    UsiCell,
    cell_type,
)
from tests.builders import ndtp as build

# navprot's real capture (Moscow, 2018): nav cell, internal I/O cell, УЗИ-М cell (fault).
NAV = bytes.fromhex(
    "00 00"  # type 0, number 0
    "248dc65a"  # time 1522961700 (2018-04-05T20:55:00Z)
    "576e7716"  # longitude 376925783 = 37.6925783 E
    "c9ba4021"  # latitude 557890249 = 55.7890249 N
    "e0"  # flags: valid, east, north
    "cb"  # battery 203 x 20 mV
    "0000 0000"  # speed avg, max
    "5301"  # course 339
    "0000"  # track
    "dc00"  # altitude 220
    "04 00")  # satellites 4, pdop 0
IO = bytes.fromhex(
    "02 00"  # type 2, number 0
    "1600 4300 0000 0000"  # analog 22, 67, 0, 0
    "00 00"  # inputs, outputs
    "0000 0000 0000 0000"  # counters
    "a7610000"  # odometer 24999 m
    "1f 06 00 00")  # csq 31, gprs 6, accel 0, ext volt 0
USI = bytes.fromhex("08 00" "02" "0000" "0000" "00")  # status 2 (fault)


def test_real_capture_decodes_every_field() -> None:
    """The three cells of navprot's capture, field by field."""
    data = NavData.decode(NAV + IO + USI)
    assert data == NavData(cells=(
        NavCell(number=0, time=1522961700, lon_abs=376925783, lat_abs=557890249, flags=0xE0,
                bat_voltage=203, speed_avg=0, speed_max=0, course=339, track=0, altitude=220,
                satellites=4, pdop=0),
        IntSensorCell(number=0, analog=(22, 67, 0, 0), inputs=0, outputs=0,
                      counters=(0, 0, 0, 0), odometer=24999, csq=31, gprs_state=6,
                      accel_energy=0, ext_volt=0),
        UsiCell(number=0, status=2, level_mm=0, level_l=0, temperature=0)))
    assert data.encode() == NAV + IO + USI
    nav = data.cells[0]
    assert isinstance(nav, NavCell)
    assert (nav.latitude, nav.longitude, nav.valid) == (55.7890249, 37.6925783, True)


def test_hemisphere_bits_give_the_signs() -> None:
    """North/East clear mean south/west; the magnitudes are unsigned."""
    cell = NavData.decode(build.nav(lat=-33.9, lon=-70.6)).cells[0]
    assert isinstance(cell, NavCell)
    assert (cell.latitude, cell.longitude) == (-33.9, -70.6)


def test_negative_altitude_is_signed() -> None:
    """Altitude is an i16: below sea level stays negative."""
    cell = NavData.decode(build.nav(alt=-28)).cells[0]
    assert isinstance(cell, NavCell) and cell.altitude == -28


def test_can_cell_reads_fuel_unit_from_bit_15() -> None:
    """navprot's CAN sample: fuel 0x800A is 10 percent; 0x0014 is 20 litres."""
    percent = NavData.decode(build.can(fuel_level=0x800A)).cells[0]
    litres = NavData.decode(build.can(fuel_level=20, status=0xFFFF_FFFF)).cells[0]
    assert isinstance(percent, CanCell) and isinstance(litres, CanCell)
    assert (percent.fuel_value, percent.fuel_in_percent, percent.module_present) == (10, True,
                                                                                      True)
    assert (litres.fuel_value, litres.fuel_in_percent, litres.module_present) == (20, False,
                                                                                   False)


@pytest.mark.parametrize("cell_type_", sorted(set(CELL_SIZES) - {0, 2, 8, 10}))
def test_cells_without_public_layout_stay_raw(cell_type_: int) -> None:
    """Types 3-7, 9, 12-23 and 100 are cut by the size table and kept as bytes."""
    payload = bytes(range(CELL_SIZES[cell_type_]))
    data = NavData.decode(build.raw(cell_type_, payload, number=2) + USI)
    assert data.cells[0] == RawCell(cell_type=cell_type_, number=2, data=payload)
    assert isinstance(data.cells[1], UsiCell)
    assert cell_type(data.cells[0]) == cell_type_


def test_road_machine_cell_is_six_raw_bytes() -> None:
    """Cell 5 (КДМ): layout not public, stored raw (the emulator spec's 6 bytes)."""
    data = NavData.decode(NAV + build.raw(5, bytes.fromhex("010203040506")))
    assert data.cells[1] == RawCell(cell_type=5, number=0, data=bytes.fromhex("010203040506"))


@pytest.mark.parametrize("unknown", [1, 11, 24, 99, 255])
def test_unknown_type_ends_the_parse_and_keeps_the_tail(unknown: int) -> None:
    """A type without a known size leaves the rest of the body in ``tail``."""
    tail = bytes((unknown, 0, 1, 2, 3))
    data = NavData.decode(NAV + IO + tail)
    assert len(data.cells) == 2 and data.tail == tail
    assert data.tail_offset == len(NAV + IO) and data.encode() == NAV + IO + tail


@pytest.mark.parametrize("cut", [1, 2, 10, len(NAV) - 1])
def test_cell_running_past_the_body_is_truncated(cut: int) -> None:
    """A known cell cut short raises TruncatedError (the frame gets 201)."""
    with pytest.raises(TruncatedError):
        NavData.decode(NAV + IO[:cut])


def test_out_of_range_values_cannot_be_built() -> None:
    """A value that does not fit its wire field is refused by name."""
    with pytest.raises(ValueError, match="NavCell field out of range"):
        NavCell(number=0, time=0, lon_abs=0, lat_abs=0, flags=0, bat_voltage=0, speed_avg=0,
                speed_max=0, course=0, track=0, altitude=40000, satellites=0, pdop=0)
    with pytest.raises(ValueError, match="no payload"):
        RawCell(cell_type=5, number=0, data=b"\x00")


u8, u16, u32 = st.integers(0, 0xFF), st.integers(0, 0xFFFF), st.integers(0, 0xFFFF_FFFF)
cells = st.one_of(
    st.builds(NavCell, number=u8, time=u32, lon_abs=u32, lat_abs=u32, flags=u8, bat_voltage=u8,
              speed_avg=u16, speed_max=u16, course=u16, track=u16,
              altitude=st.integers(-0x8000, 0x7FFF), satellites=u8, pdop=u8),
    st.builds(IntSensorCell, number=u8, analog=st.tuples(u16, u16, u16, u16), inputs=u8,
              outputs=u8, counters=st.tuples(u16, u16, u16, u16), odometer=u32, csq=u8,
              gprs_state=u8, accel_energy=u8, ext_volt=u8),
    st.builds(UsiCell, number=u8, status=u8, level_mm=u16, level_l=u16, temperature=u8),
    st.builds(CanCell, number=u8, status=u32, engine_hours=u32, total_km=u32, total_fuel=u32,
              fuel_level=u16, rpm=u16, engine_temp=st.integers(-0x8000, 0x7FFF), speed=u8,
              axle_loads=st.tuples(u16, u16, u16, u16, u16), alarm_flags=u32),
    st.sampled_from(sorted(set(CELL_SIZES) - {0, 2, 8, 10})).flatmap(
        lambda t: st.builds(RawCell, cell_type=st.just(t), number=u8,
                            data=st.binary(min_size=CELL_SIZES[t], max_size=CELL_SIZES[t]))),
)
tails = st.one_of(st.just(b""), st.builds(
    lambda t, rest: bytes((t,)) + rest,
    st.integers(0, 255).filter(lambda t: t not in CELL_SIZES), st.binary(max_size=20)))


@given(st.lists(cells, max_size=6), tails)
def test_any_body_round_trips(items: list[NavCell], tail: bytes) -> None:
    """decode(encode(v)) == v for any sequence of cells and any unparseable tail."""
    data = NavData(cells=tuple(items), tail=tail)
    assert NavData.decode(data.encode()) == data
