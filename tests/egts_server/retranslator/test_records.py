"""A stored fix as a TELEDATA record, checked against the intake's own decoding."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from egts_server.codec.egts import ServiceDataRecord, record_positions
from egts_server.codec.egts.subrecords import AdSensorsData, CountersData, ExtPosData, PosData
from egts_server.codec.reader import ByteReader
from egts_server.model import DeviceKey, Position
from egts_server.retranslator.records import pos_data, teledata_record
from tests.builders import egts as build
from tests.egts_server.retranslator.helpers import T0, position

DEVICE = DeviceKey("egts", "880012")


def back(p: Position, oid: int = 880012) -> Position:
    """Encode as our record, decode with the intake's codec: what an upstream like us stores."""
    data = teledata_record(p, rn=7, oid=oid).encode()
    (decoded,) = record_positions(ServiceDataRecord.decode(ByteReader(data)), DEVICE)
    return decoded


def test_pos_data_matches_the_builder_from_the_standard() -> None:
    """POS_DATA bytes equal the independent builder's for the same fix."""
    p = position(0, altitude_m=-12.0, speed_kmh=12.5, course_deg=300.0, inputs=0x05,
                 odometer_m=1234.0, attributes=MappingProxyType({"event_source": 3}))
    data = teledata_record(p, rn=0, oid=4242).encode()
    expected_pos = build.subrecord(16, build.pos_data(
        time=T0, lat=p.latitude, lon=p.longitude, vld=True, fix=True, mv=True, speed_kmh=12.5,
        course=300, odometer_km=1.2, din=0x05, src=3, alt_m=-12))
    header = build.record(rn=0, sst=2, oid=4242, subrecords=[expected_pos])[:11]
    assert data[2:11] == header[2:11]  # RN, RFL (OBFE), OID, SST, RST; RL covers EXT_POS too
    assert data[11 : 11 + len(expected_pos)] == expected_pos


def test_round_trip_keeps_every_field_the_intake_decodes() -> None:
    """Typed fields, flags and sensor attributes survive encode + the intake's decode."""
    attributes = {"event_source": 13, "moving": False, "fix_3d": True, "vdop": 1.25,
                  "pdop": 1.5, "nav_systems": 3, "outputs": 0x81, "adc1": 1200, "adc3": 7,
                  "counter2": 99, "counter9": 4}
    p = position(3, black_box=True, pz90=True, valid=False, inputs=0x1_02_03,
                 attributes=MappingProxyType(attributes))
    q = back(p)
    assert q.fix_time == p.fix_time
    assert q.latitude == pytest.approx(p.latitude, abs=1e-7)
    assert q.longitude == pytest.approx(p.longitude, abs=1e-7)
    assert (q.valid, q.black_box, q.pz90) == (False, True, True)
    assert (q.speed_kmh, q.course_deg, q.altitude_m) == (36.0, 270.0, 40.0)
    assert (q.satellites, q.hdop, q.inputs, q.odometer_m) == (11, 0.9, 0x1_02_03, 152_300.0)
    for key, value in attributes.items():
        assert q.attributes[key] == value, key


def test_analog_nine_alone_keeps_its_number() -> None:
    """adc9 without adc1-8 still arrives as adc9 (an empty first AD_SENSORS_DATA precedes it)."""
    p = position(0, inputs=1, attributes=MappingProxyType({"adc9": 321, "counter12": 5}))
    q = back(p)
    assert q.attributes["adc9"] == 321 and "adc1" not in q.attributes
    assert q.attributes["counter12"] == 5 and "counter4" not in q.attributes


def test_plain_fix_has_only_pos_and_ext_pos() -> None:
    """A fix without extra sensors is POS_DATA + EXT_POS_DATA, nothing else."""
    record = teledata_record(position(0), rn=1, oid=5)
    assert [type(s) for s in record.subrecords] == [PosData, ExtPosData]
    assert record.header.oid == 5 and record.header.sst == record.header.rst == 2


def test_sensor_free_fix_without_precision_is_pos_data_only() -> None:
    """No satellites, HDOP or DOP attributes: no EXT_POS_DATA either."""
    record = teledata_record(position(0, satellites=None, hdop=None), rn=1, oid=5)
    assert [type(s) for s in record.subrecords] == [PosData]


def test_out_of_range_values_are_clamped_not_refused() -> None:
    """A speed past 14 bits and a huge odometer saturate; the fix still goes."""
    pos = pos_data(position(0, speed_kmh=5000.0, odometer_m=1e12, course_deg=-90.0))
    assert (pos.speed, pos.odometer, pos.direction) == (0x3FFF, 0xFFFFFF, 270)


def test_outputs_alone_make_an_ad_sensors_subrecord() -> None:
    """Outputs without extra inputs or analog values still travel (DOUT)."""
    subs = teledata_record(position(0, attributes=MappingProxyType({"outputs": 2})), rn=0,
                           oid=1).subrecords
    (ad,) = [s for s in subs if isinstance(s, AdSensorsData)]
    assert ad.outputs == 2 and not any(isinstance(s, CountersData) for s in subs)
