"""Cells -> Position: units, grouping under nav cells, raw cells, duplicates, history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from egts_server.codec.ndtp import NavData, navdata_positions
from egts_server.codec.ndtp.errors import CoordinateError
from egts_server.model import DeviceKey
from tests.builders import ndtp as build

DEVICE = DeviceKey("ndtp", "134223")
T = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)


def fixes(body: bytes, history: bool = False) -> list:  # type: ignore[type-arg]
    return navdata_positions(NavData.decode(body), DEVICE, history=history)


def test_nav_and_io_cells_make_one_fix_in_domain_units() -> None:
    """Speed is the period average, battery in volts, odometer in metres, inputs a bitmask."""
    body = (build.nav(time=T, lat=50.5512345, lon=137.0123456, speed_avg=42, speed_max=57,
                      course=271, track=120, alt=35, nsat=11, pdop=7, bat_20mv=205,
                      flags=0xE0 | 0x02)
            + build.int_sensor(analog=(22, 67, 1, 2), di_in=0b101, di_out=0b10,
                               counters=(5, 6, 7, 8), odometer_m=123456, csq=25, gprs=6))
    (p,) = fixes(body)
    assert (p.device, p.fix_time, p.latitude, p.longitude, p.valid) == (
        DEVICE, T, 50.5512345, 137.0123456, True)
    assert (p.speed_kmh, p.course_deg, p.altitude_m, p.satellites, p.hdop) == (
        42.0, 271.0, 35.0, 11, None)
    assert (p.inputs, p.odometer_m, p.black_box, p.pz90) == (0b101, 123456.0, False, False)
    assert dict(p.attributes) == {
        "speed_max_kmh": 57, "track_m": 120, "voltage_internal_v": pytest.approx(4.1),
        "internal_battery_in_use": False, "alarm": True, "sos": False, "call_request": False,
        "first_power_on": False, "pdop_raw": 7, "nav_receiver": 0, "outputs": 0b10,
        "adc1": 22, "adc2": 67, "adc3": 1, "adc4": 2, "counter1": 5, "counter2": 6,
        "counter3": 7, "counter4": 8, "gsm_csq": 25, "gprs_state": 6, "accel_energy": 0,
        "ext_voltage_raw": 0}


def test_history_frames_are_black_box_fixes() -> None:
    """NPH_SND_HISTORY replays the black box: black_box=True."""
    (p,) = fixes(build.nav(), history=True)
    assert p.black_box


def test_invalid_fix_is_kept_and_flagged() -> None:
    """Flag bit 7 clear: the fix is stored with valid=False, nothing corrected."""
    (p,) = fixes(build.nav(valid=False, lat=0.0, lon=0.0))
    assert not p.valid and (p.latitude, p.longitude) == (0.0, 0.0)


def test_road_machine_and_passenger_cells_are_stored_raw_per_number() -> None:
    """Cells 5, 3, 4 and any other raw cell keep their bytes in named attributes."""
    body = (build.nav() + build.raw(5, bytes.fromhex("0102030405ff"), number=1)
            + build.raw(3, bytes(14)) + build.raw(4, bytes(range(15)))
            + build.raw(16, bytes(8), number=2))
    (p,) = fixes(body)
    a = p.attributes
    assert a["road_machine1_raw"] == "0102030405ff"
    assert a["passengers_crown0_raw"] == "00" * 14
    assert a["passengers_irma0_raw"] == bytes(range(15)).hex()
    assert a["ndtp_cell16_2_raw"] == "00" * 8


def test_fuel_and_can_cells_become_attributes() -> None:
    """УЗИ-М and CAN values keep their units in the key names."""
    body = (build.nav() + build.usi(status=0, level_mm=10, level_l=55, temperature=3)
            + build.can(engine_hours=1234, total_km=99, total_fuel=500, fuel_level=0x800A,
                        rpm=1500, engine_temp=-5, speed=40, axles=(1, 2, 3, 4, 5), alarm=9))
    a = fixes(body)[0].attributes
    assert (a["fuel0_status"], a["fuel0_level_mm"], a["fuel0_level_l"],
            a["fuel0_temperature_raw"]) == (0, 10, 55, 3)
    assert (a["can0_engine_hours_x100"], a["can0_total_km_x100"], a["can0_total_fuel_l"],
            a["can0_fuel_level"], a["can0_fuel_level_unit"], a["can0_rpm"],
            a["can0_engine_temp_c"], a["can0_speed_kmh"], a["can0_alarm_flags"]) == (
        1234, 99, 500, 10, "percent", 1500, -5, 40, 9)
    assert [a[f"can0_axle{k}_load_10kg"] for k in range(1, 6)] == [1, 2, 3, 4, 5]


def test_absent_can_module_is_marked_not_decoded() -> None:
    """Status 0xFFFFFFFF means no CAN module: only that is recorded."""
    a = fixes(build.nav() + build.can(status=0xFFFF_FFFF, rpm=7))[0].attributes
    assert a["can0_absent"] is True and "can0_rpm" not in a


def test_repeated_cells_of_one_number_keep_every_value() -> None:
    """navprot's three fuel cells numbered 0: keys 0, 0_2, 0_3 (nothing overwritten)."""
    body = build.nav() + build.usi(level_mm=10) + build.usi(level_l=20) + build.usi(level_l=50)
    a = fixes(body)[0].attributes
    assert (a["fuel0_level_mm"], a["fuel0_2_level_l"], a["fuel0_3_level_l"]) == (10, 20, 50)


def test_second_io_cell_continues_the_numbering() -> None:
    """A second internal I/O cell: inputs 9-16, analog 5-8, counters 5-8."""
    body = (build.nav() + build.int_sensor(di_in=1, analog=(1, 1, 1, 1))
            + build.int_sensor(number=1, di_in=2, analog=(2, 2, 2, 2), counters=(3, 3, 3, 3)))
    (p,) = fixes(body)
    assert p.inputs == 1 | 2 << 8
    assert (p.attributes["adc1"], p.attributes["adc5"], p.attributes["counter8"]) == (1, 2, 3)


def test_sensors_before_the_first_nav_attach_to_it_and_each_nav_is_a_fix() -> None:
    """Cells before the first nav cell go with it; two nav cells make two fixes."""
    body = (build.usi(level_l=7) + build.nav(time=T) + build.nav(time=T.replace(minute=1))
            + build.int_sensor(odometer_m=5))
    first, second = fixes(body)
    assert first.attributes["fuel0_level_l"] == 7 and first.odometer_m is None
    assert second.odometer_m == 5.0 and second.fix_time == T.replace(minute=1)


def test_body_without_nav_cell_yields_no_fix() -> None:
    """Fuel cells alone have no position to be stored with."""
    assert fixes(build.usi(level_mm=10)) == []


def test_raw_tail_goes_with_the_last_fix() -> None:
    """The bytes after an unknown cell type are kept on the last fix."""
    body = build.nav() + build.nav() + bytes.fromhex("6300aabb")
    first, last = fixes(body)
    assert "ndtp_tail_raw" not in first.attributes
    assert last.attributes["ndtp_tail_raw"] == "6300aabb"


@pytest.mark.parametrize(("lat_raw", "lon_raw"), [(900_000_001, 0), (0, 1_800_000_001)])
def test_coordinates_off_the_globe_are_refused(lat_raw: int, lon_raw: int) -> None:
    """More than 90 degrees latitude or 180 longitude cannot be a Position."""
    with pytest.raises(CoordinateError):
        fixes(build.nav(lat_raw=lat_raw, lon_raw=lon_raw))
