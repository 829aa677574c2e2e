"""EGTS_SR_POS_DATA: every flag, DIRH, ALTE/ALTS, hemispheres and SRCD."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import PosData, PosFlags
from tests.builders import egts as build

from . import decode, encode

# const-south-west-dirh from the conformance corpus, SRD only
SOUTH_WEST = bytes.fromhex(
    "e895671a"  # NTM 0x1a6795e8 = 2024-01-15T06:30:00Z
    "98855660"  # LAT -> 33.8688197
    "f4e48164"  # LONG -> 70.6692655
    "73"  # FLG: VLD FIX MV LAHS LOHS
    "d284"  # SPD: 0x04d2 = 1234 (123.4 km/h), bit 15 DIRH
    "2c"  # DIR 0x2c -> 44 + 256 = 300
    "d20400"  # ODM 1234 -> 123.4 km
    "00"  # DIN
    "00"  # SRC
)


def test_south_west_fix_decodes_to_full_values() -> None:
    """Hemisphere flags, DIRH, speed and odometer decode to domain values."""
    pos = decode(PosData, SOUTH_WEST)
    assert pos == PosData(nav_time=0x1A6795E8, lat_abs=0x60568598, lon_abs=0x6481E4F4,
                          flags=PosFlags.VLD | PosFlags.FIX | PosFlags.MV | PosFlags.LAHS
                          | PosFlags.LOHS, speed=1234, direction=300, odometer=1234, inputs=0,
                          source=0)
    assert pos.fix_time == datetime(2024, 1, 15, 6, 30, tzinfo=UTC)
    assert pos.latitude == pytest.approx(-33.8688197, abs=1e-6)
    assert pos.longitude == pytest.approx(-70.6692655, abs=1e-6)
    assert (pos.speed_kmh, pos.direction, pos.odometer_m) == (123.4, 300, 123400.0)
    assert encode(pos) == SOUTH_WEST


def test_altitude_below_sea_is_negative() -> None:
    """ALTE adds ALT; ALTS (SPD bit 14) makes it negative."""
    srd = build.pos_data(alt_m=-28, speed_kmh=10, course=90)
    pos = decode(PosData, srd)
    assert pos.altitude == 28 and pos.below_sea and pos.altitude_m == -28.0
    assert encode(pos) == srd


def test_source_data_is_kept_verbatim() -> None:
    """Bytes after the mandatory fields are SRCD and round-trip."""
    srd = build.pos_data(alt_m=30, srcd=b"\x01\x02")
    pos = decode(PosData, srd)
    assert pos.source_data == b"\x01\x02" and encode(pos) == srd


@pytest.mark.parametrize("flag", list(PosFlags))
def test_each_flag_round_trips(flag: PosFlags) -> None:
    """Every FLG bit decodes into the flags and encodes back."""
    srd = build.pos_data(vld=flag == PosFlags.VLD, fix=flag == PosFlags.FIX,
                         cs=flag == PosFlags.CS, bb=flag == PosFlags.BB, mv=flag == PosFlags.MV,
                         lat=-1.0 if flag == PosFlags.LAHS else 1.0,
                         lon=-1.0 if flag == PosFlags.LOHS else 1.0,
                         alt_m=5 if flag == PosFlags.ALTE else None)
    pos = decode(PosData, srd)
    assert pos.flags == flag
    assert encode(pos) == srd


def test_alt_presence_must_match_alte() -> None:
    """The invariant ties ALT to FLG.ALTE."""
    with pytest.raises(ValueError):
        PosData(nav_time=0, lat_abs=0, lon_abs=0, flags=PosFlags.ALTE, speed=0, direction=0,
                odometer=0, inputs=0, source=0)


positions = st.builds(
    PosData, nav_time=st.integers(0, 2**32 - 1), lat_abs=st.integers(0, 2**32 - 1),
    lon_abs=st.integers(0, 2**32 - 1), flags=st.integers(0, 127).map(PosFlags),
    speed=st.integers(0, 0x3FFF), direction=st.integers(0, 0x1FF),
    odometer=st.integers(0, 2**24 - 1), inputs=st.integers(0, 255), source=st.integers(0, 255),
    below_sea=st.booleans(), source_data=st.binary(max_size=4))


@given(positions, st.one_of(st.none(), st.integers(0, 2**24 - 1)))
def test_any_pos_data_round_trips(pos: PosData, altitude: int | None) -> None:
    """decode(encode(x)) == x for every valid POS_DATA."""
    if altitude is not None:
        pos = replace(pos, flags=pos.flags | PosFlags.ALTE, altitude=altitude)
    assert decode(PosData, encode(pos)) == pos
