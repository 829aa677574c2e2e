"""Records to Positions: units, flags, several fixes per record, sensors attached."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egts_server.codec.egts import RecordHeader, ServiceDataRecord, record_positions
from egts_server.codec.egts.subrecords import (
    AbsCntrData,
    PosData,
    PosFlags,
    UnknownSubrecord,
    iter_subrecords,
)
from egts_server.codec.egts.to_positions import teledata_positions
from egts_server.codec.errors import CodecError
from egts_server.codec.reader import ByteReader
from egts_server.model import DeviceKey, Position
from tests.builders import egts as build
from tests.egts_server.codec.egts.subrecords.test_base import SRDS

DEV = DeviceKey("egts", "1")
T0 = datetime(2024, 1, 15, 6, 30, tzinfo=UTC)


def positions(*subrecords: bytes):  # type: ignore[no-untyped-def]
    data = build.record(rn=12, sst=2, subrecords=subrecords)
    return record_positions(ServiceDataRecord.decode(ByteReader(data)), DEV)


def pos(**kwargs: object) -> bytes:
    return build.subrecord(16, build.pos_data(**kwargs))  # type: ignore[arg-type]


def test_pos_data_maps_to_domain_units() -> None:
    """Speed, course, odometer, altitude, flags become the typed Position fields."""
    (p,) = positions(pos(time=T0, lat=-33.5, lon=-70.25, speed_kmh=123.4, course=300,
                         odometer_km=123.4, alt_m=-28, din=0x81, src=13, bb=True, cs=True,
                         mv=True, fix=True))
    assert (p.fix_time, p.speed_kmh, p.course_deg, p.altitude_m, p.odometer_m) == (
        T0, 123.4, 300.0, -28.0, 123400.0)
    assert (p.latitude, p.longitude) == pytest.approx((-33.5, -70.25), abs=1e-6)
    assert (p.valid, p.black_box, p.pz90, p.inputs) == (True, True, True, 0x81)
    assert dict(p.attributes) == {"event_source": 13, "moving": True, "fix_3d": True,
                                  "record_number": 12}


def test_invalid_fix_is_kept_and_flagged() -> None:
    """VLD = 0 still yields a Position with valid=False."""
    (p,) = positions(pos(vld=False))
    assert p.valid is False


def test_every_pos_data_is_a_fix_with_its_own_sensors() -> None:
    """Three POS_DATA make three fixes; sensors attach to the POS before them."""
    ps = positions(pos(time=T0), build.subrecord(17, build.ext_pos_data(hdop=70, sat=12)),
                   pos(time=T0), build.subrecord(18, build.ad_sensors(ans={3: 267})),
                   pos(time=T0))
    assert [(p.satellites, p.hdop) for p in ps] == [(12, 0.7), (None, None), (None, None)]
    assert ["adc3" in p.attributes for p in ps] == [False, True, False]


def test_sensors_before_the_first_fix_attach_to_it() -> None:
    """A sensor subrecord that precedes every POS_DATA belongs to the first fix."""
    (p,) = positions(build.subrecord(17, build.ext_pos_data(sat=5)), pos())
    assert p.satellites == 5


def test_record_without_pos_data_has_no_fix() -> None:
    """Sensors alone produce no Position."""
    assert positions(build.subrecord(18, build.ad_sensors(ans={1: 1}))) == []


def test_ext_pos_fills_dops_and_nav_systems() -> None:
    """VDOP/PDOP/NS go to attributes, scaled from wire units."""
    (p,) = positions(pos(), build.subrecord(17, build.ext_pos_data(vdop=650, pdop=450, ns=3)))
    assert (p.attributes["vdop"], p.attributes["pdop"], p.attributes["nav_systems"]) == (
        6.5, 4.5, 3)


def test_ad_sensors_extend_inputs_and_number_analogs() -> None:
    """ADIO octet n adds inputs 8n+1..8n+8; a second AD_SENSORS continues the numbering."""
    (p,) = positions(pos(din=0x01), build.subrecord(18, build.ad_sensors(
        dout=3, adio={1: 0x02}, ans={1: 10})), build.subrecord(18, build.ad_sensors(ans={1: 20})))
    assert p.inputs == 0x0201
    assert (p.attributes["adc1"], p.attributes["adc9"], p.attributes["outputs"]) == (10, 20, 0)


def test_inputs_past_63_are_kept_apart_from_the_mask() -> None:
    """ADIO 7 holds inputs 57-64 and ADIO 8 inputs 65-72: the mask (a signed 64-bit column)
    keeps 1-63, each input past it is an attribute ``din<n>`` with its state."""
    (p,) = positions(pos(din=0x80), build.subrecord(18, build.ad_sensors(
        adio={7: 0xC1, 8: 0x05})))
    assert p.inputs == 0x80 | 0x41 << 56 and p.inputs < 1 << 63
    assert p.attributes["din64"] == 1
    assert [p.attributes[f"din{n}"] for n in range(65, 73)] == [1, 0, 1, 0, 0, 0, 0, 0]
    (second_block,) = positions(pos(), build.subrecord(18, build.ad_sensors()),
                                build.subrecord(18, build.ad_sensors(adio={1: 0x01})))
    assert second_block.inputs == 0 and second_block.attributes["din73"] == 1


def test_counters_and_absolute_sensors_become_attributes() -> None:
    """COUNTERS_DATA, ABS_CNTR, ABS_AN, ABS_DIG and loops land under numbered keys."""
    (p,) = positions(pos(), build.subrecord(19, build.counters({1: 5, 3: 7})),
                     build.subrecord(25, build.abs_cntr(100, 42)),
                     build.subrecord(24, build.abs_an_sens(9, 1234)),
                     build.subrecord(23, build.abs_dig_sens(300, 1)),
                     build.subrecord(22, build.loopin({2: 1})),
                     build.subrecord(26, build.abs_loopin(12, 8)))
    a = p.attributes
    assert (a["counter1"], a["counter3"], a["counter100"], a["adc9"]) == (5, 7, 42, 1234)
    assert (a["din300"], a["loop2"], a["loop12"]) == (1, 1, 8)


def test_state_data_gives_volts_and_flags() -> None:
    """STATE_DATA voltages are converted from 0.1 V; SRT 21 maps the same way."""
    for srt in (20, 21):
        (p,) = positions(pos(), build.subrecord(srt, build.state_data(
            st=2, mpsv=255, bbv=0, ibv=41, nms=True)))
        a = p.attributes
        assert (a["voltage_main_v"], a["voltage_backup_v"], a["voltage_internal_v"]) == (
            25.5, 0.0, 4.1)
        assert (a["terminal_state"], a["nav_module_on"], a["backup_battery_in_use"]) == (
            2, True, False)


def test_liquid_level_sensors_are_numbered_by_llsn() -> None:
    """LLS value, unit, error flag and address go under lls{n}_*; raw replies as hex."""
    (p,) = positions(pos(), build.subrecord(27, build.liquid_level(llsn=1, maddr=7, llsvu=2,
                                                                   value=1234)),
                     build.subrecord(27, build.liquid_level(llsn=2, raw=b"\xab", llsef=True)))
    a = p.attributes
    assert (a["lls1_level"], a["lls1_unit"], a["lls1_error"], a["lls1_address"]) == (
        1234, "0.1 l", False, 7)
    assert (a["lls2_raw"], a["lls2_error"]) == ("ab", True)
    assert "lls2_level" not in a


def test_passenger_counts_per_door() -> None:
    """PASSENGERS_COUNTERS: in/out per door and the doors-opened mask."""
    (p,) = positions(pos(), build.subrecord(28, build.passengers(drl=2, doors={1: (3, 4)})))
    a = p.attributes
    assert (a["passengers_in_door1"], a["passengers_out_door1"], a["doors_opened"]) == (3, 4, 2)


def test_unknown_subrecords_are_ignored_by_the_mapping() -> None:
    """A raw unknown subrecord next to a fix changes nothing."""
    (p,) = positions(pos(srcd=b"\x01\x00"), build.subrecord(99, b"\x01"))
    assert p.attributes["event_source_data"] == "0100"


def test_every_attribute_value_has_an_allowed_type() -> None:
    """Attribute values are int, float, bool or str only."""
    (p,) = positions(pos(), build.subrecord(17, build.ext_pos_data(vdop=1, pdop=2, ns=1)),
                     build.subrecord(18, build.ad_sensors(adio={1: 1}, ans={1: 1})),
                     build.subrecord(20, build.state_data()),
                     build.subrecord(27, build.liquid_level()),
                     build.subrecord(28, build.passengers(raw=b"\x00")))
    assert all(isinstance(v, int | float | bool | str) for v in p.attributes.values())


# -- the server's path: straight from the wire ------------------------------------------------

SENSOR_SRTS = [17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 0]


@st.composite
def teledata_rds(draw: st.DrawFn) -> bytes:
    """RD of a TELEDATA record: POS_DATA and sensors in any order, sometimes mangled."""
    srts = draw(st.lists(st.sampled_from([16, 16, *SENSOR_SRTS, 99]), max_size=8))
    rd = bytearray(b"".join(
        build.subrecord(srt, draw(SRDS[srt]) if srt in SRDS else b"\x01\x02") for srt in srts))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(rd)))
        op = draw(st.sampled_from(["flip", "cut", "insert"]))
        if op == "flip" and at < len(rd):
            rd[at] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del rd[at : at + draw(st.integers(1, 4))]
        else:
            rd[at:at] = draw(st.binary(min_size=1, max_size=4))
    return bytes(rd)


def outcome(run: Callable[[], Any]) -> Any:
    """What ``run`` returns, or the class of the CodecError it raises."""
    try:
        return run()
    except CodecError as error:
        return type(error)


@settings(max_examples=300)
@given(teledata_rds())
def test_wire_path_refuses_exactly_what_typed_decoding_refuses(rd: bytes) -> None:
    """teledata_positions and iter_subrecords agree on every RD: same error class, or same fixes."""
    wire = outcome(lambda: teledata_positions(rd, 0, len(rd), 12, DEV))
    typed = outcome(lambda: tuple(iter_subrecords(2, ByteReader(rd))))
    if isinstance(typed, type) or isinstance(wire, type):
        assert wire is typed
        return
    record = ServiceDataRecord(header=RecordHeader(rn=12, sst=2, rst=2), subrecords=typed)
    assert wire == record_positions(record, DEV)
    assert len(wire) == sum(isinstance(sub, PosData) for sub in typed)


@given(st.floats(-90, 90), st.floats(-180, 180), st.integers(0, 2**32 - 1),
       st.one_of(st.none(), st.integers(-0xFFFFFF, 0xFFFFFF)))
def test_positions_keep_the_models_promises(lat: float, lon: float, seconds: int,
                                           alt_m: int | None) -> None:
    """Position checks nothing itself; every fix is aware and on the globe by construction."""
    (p,) = positions(pos(lat=lat, lon=lon, alt_m=alt_m,
                         time=build.EPOCH + timedelta(seconds=seconds)))
    assert type(p) is Position
    assert p.fix_time == build.EPOCH + timedelta(seconds=seconds)
    assert p.fix_time.tzinfo is UTC
    assert -90.0 <= p.latitude <= 90.0 and -180.0 <= p.longitude <= 180.0


def test_extreme_coordinates_stay_in_range() -> None:
    """LAT/LONG 0xFFFFFFFF are exactly the poles and the antimeridian."""
    (p,) = positions(pos(lat=-90.0, lon=-180.0))
    assert (p.latitude, p.longitude) == (-90.0, -180.0)


def test_a_typed_record_built_in_code_maps_like_its_bytes() -> None:
    """record_positions takes values that never were bytes."""
    fix = PosData(nav_time=0, lat_abs=0, lon_abs=0, flags=PosFlags.VLD | PosFlags.MV, speed=125,
                  direction=300, odometer=7, inputs=1, source=0)
    record = ServiceDataRecord(header=RecordHeader(rn=3, sst=2, rst=2), subrecords=(
        fix, AbsCntrData(number=2, value=5), UnknownSubrecord(service=2, srt=99, data=b"\x00")))
    (p,) = record_positions(record, DEV)
    assert (p.fix_time, p.speed_kmh, p.course_deg, p.valid) == (build.EPOCH, 12.5, 300.0, True)
    assert (p.attributes["counter2"], p.attributes["moving"]) == (5, True)
