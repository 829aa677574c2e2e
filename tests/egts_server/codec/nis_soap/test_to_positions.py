"""PutCoord -> Position: device key, 0-based numbers to masks and ``adc{n}``, units kept."""

from __future__ import annotations

from datetime import UTC, datetime

from egts_server.codec.nis_soap import PutCoord, parse_request, put_coord_positions
from egts_server.codec.nis_soap.to_positions import device_of, put_coord_position
from egts_server.model import DeviceKey
from tests.egts_server.codec.nis_soap.test_parse import envelope, put

T = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)


def test_every_field_lands_where_the_model_wants_it() -> None:
    record = PutCoord(object_id="01326273", time=T, lon=-70.5, lat=-33.25, alt=-12.0,
                      speed=61.5, course=359.0, valid=False, digital_inputs=(0, 5),
                      digital_outputs=(0, 2), analog_inputs=((0, 12.5), (3, -1.0)))
    position = put_coord_position(record)
    assert position.device == DeviceKey("nis", "01326273") == device_of(record)
    assert (position.fix_time, position.latitude, position.longitude, position.valid) == (
        T, -33.25, -70.5, False)
    assert (position.speed_kmh, position.course_deg, position.altitude_m) == (61.5, 359.0, -12.0)
    assert position.inputs == 0b100001
    assert dict(position.attributes) == {"outputs": 0b101, "adc1": 12.5, "adc4": -1.0}


def test_no_inputs_give_an_empty_mask_and_no_outputs_no_attribute() -> None:
    position = put_coord_position(PutCoord(object_id="A1", time=T, lon=1.0, lat=2.0))
    assert (position.inputs, dict(position.attributes), position.altitude_m) == (0, {}, None)


def test_a_repeated_input_or_output_counts_once() -> None:
    position = put_coord_position(PutCoord(object_id="A1", time=T, lon=1.0, lat=2.0,
                                           digital_inputs=(1, 1), digital_outputs=(4, 4)))
    assert (position.inputs, position.attributes["outputs"]) == (0b10, 0b10000)


def test_input_64_is_kept_apart_from_the_mask() -> None:
    """inpnum 63 is input 64, past the signed 64-bit mask: it becomes ``din64``."""
    (record,) = parse_request(envelope(put(
        "A1", extra='<DigI inpnum="62"/><DigI inpnum="63"/>'))).records
    (position,) = put_coord_positions([record])
    assert position.inputs == 1 << 62 and position.attributes["din64"] == 1


def test_records_map_in_order() -> None:
    records = [PutCoord(object_id=name, time=T, lon=1.0, lat=2.0) for name in ("B", "A", "C")]
    assert [p.device.identifier for p in put_coord_positions(records)] == ["B", "A", "C"]
