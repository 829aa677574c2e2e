"""Records to Positions: units, flags, several fixes per record, sensors attached."""

from datetime import UTC, datetime

import pytest

from egts_server.codec.egts import ServiceDataRecord, record_positions
from egts_server.codec.reader import ByteReader
from egts_server.model import DeviceKey
from tests.builders import egts as build

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
