"""Reading one OsmAnd / Traccar Client report: units, fallbacks, typed parameters and the field
each refusal names (the corpus in test_conformance.py holds real requests end to end)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from egts_server.codec.osmand import Report, ReportFieldError, parse_json, parse_query


def query(**values: str) -> Report:
    return parse_query({"id": "phone", "lat": "43.1", "lon": "131.9", **values})


def traccar(*, coords: dict[str, Any] | None = None, **location: Any) -> Report:
    body = {"device_id": "phone", "location": {
        "coords": {"latitude": 43.1, "longitude": 131.9, **(coords or {})}, **location}}
    return parse_json(json.dumps(body).encode())


def test_query_speed_is_in_knots() -> None:
    assert query(speed="10").speed_kmh == pytest.approx(18.52)
    assert query(speed="").speed_kmh is None


def test_bearing_wins_over_heading_and_heading_serves_alone() -> None:
    assert query(bearing="90", heading="180").course_deg == 90.0
    assert query(heading="180").course_deg == 180.0


def test_location_serves_only_when_lat_and_lon_are_absent() -> None:
    located = parse_query({"id": "phone", "location": "43.5,132.25"})
    assert (located.latitude, located.longitude) == (43.5, 132.25)
    assert (query(location="1,2").latitude, query(location="1,2").params) == (43.1, {})


def test_deviceid_names_the_phone_when_id_is_absent_and_ids_are_cut_at_64() -> None:
    assert parse_query({"deviceid": "d7"}).device_id == "d7"
    assert parse_query({"id": "x" * 70}).device_id == "x" * 64


def test_no_coordinates_at_all_is_a_report_without_a_fix() -> None:
    report = parse_query({"id": "phone", "batt": "55"})
    assert (report.latitude, report.longitude, report.battery_percent) == (None, None, 55.0)


def test_unknown_keys_become_parameters_typed_as_they_read() -> None:
    report = query(ignition="true", door="false", sats="12", temp="-3.5", mode="nan",
                   note="y" * 300)
    assert dict(report.params) == {"ignition": True, "door": False, "sats": 12,
                                   "temp": -3.5, "mode": "nan", "note": "y" * 256}


@pytest.mark.parametrize(("timestamp", "expected"), [
    ("1700000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
    ("99999999999", datetime.fromtimestamp(99999999999, UTC)),  # the largest read as seconds
    ("100000000000", datetime(1973, 3, 3, 9, 46, 40, tzinfo=UTC)),  # milliseconds from here
    ("2026-02-03 04:05:06", datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)),
    ("2026-02-03T14:05:06+10:00", datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)),
    ("2026-02-03T04:05:06Z", datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)),
])
def test_timestamps_in_seconds_milliseconds_or_iso_are_utc(timestamp: str,
                                                            expected: datetime) -> None:
    fix_time = query(timestamp=timestamp).fix_time
    assert fix_time == expected and fix_time is not None and fix_time.tzinfo is UTC


def test_valid_reads_true_false_one_zero_and_defaults_to_true() -> None:
    assert [query(valid=v).valid for v in ("TRUE", "1", "false", "0")] == [
        True, True, False, False]
    assert query().valid is True


@pytest.mark.parametrize(("values", "field"), [
    ({"lat": "43.1", "lon": "131.9"}, "id"),
    ({"id": "p", "lon": "131.9"}, "lat"),
    ({"id": "p", "lat": "43.1"}, "lon"),
    ({"id": "p", "lat": "91", "lon": "1"}, "lat"),
    ({"id": "p", "lat": "1", "lon": "1", "speed": "1001"}, "speed"),
    ({"id": "p", "lat": "1", "lon": "1", "bearing": "721"}, "bearing"),
    ({"id": "p", "lat": "1", "lon": "1", "hdop": "x"}, "hdop"),
    ({"id": "p", "lat": "1", "lon": "1", "timestamp": "soon"}, "timestamp"),
    ({"id": "p", "lat": "1", "lon": "1", "valid": "yes"}, "valid"),
])
def test_a_bad_query_field_is_named(values: dict[str, str], field: str) -> None:
    with pytest.raises(ReportFieldError) as caught:
        parse_query(values)
    assert caught.value.field == field and str(caught.value).startswith(f"{field}: ")


def test_json_speed_is_in_metres_per_second_and_battery_a_fraction() -> None:
    report = traccar(coords={"speed": 10, "heading": 90, "accuracy": 4, "altitude": 12},
                     battery={"level": 0.5})
    assert report.speed_kmh == pytest.approx(36.0)
    assert (report.course_deg, report.accuracy_m, report.altitude_m) == (90.0, 4.0, 12.0)
    assert report.battery_percent == 50.0


def test_json_minus_one_means_unknown() -> None:
    report = traccar(coords={"speed": -1, "heading": -1, "accuracy": -1},
                     battery={"level": -1})
    assert (report.speed_kmh, report.course_deg, report.accuracy_m, report.battery_percent) == (
        None, None, None, None)


def test_json_keeps_scalar_extras_and_the_motion_fields_as_parameters() -> None:
    body = (b'{"device_id": 77, "location": {"coords": {"latitude": 1, "longitude": 2},'
            b' "is_moving": true, "event": "motionchange", "odometer": 12.5, "timestamp": 5,'
            b' "extras": {"a": "x", "n": 3, "bad": NaN, "nested": {"b": 1}, "list": [1]}}}')
    report = parse_json(body)
    assert report.device_id == "77" and report.fix_time is None
    assert dict(report.params) == {"a": "x", "n": 3, "is_moving": True,
                                   "event": "motionchange", "odometer": 12.5}


@pytest.mark.parametrize(("body", "field"), [
    (b"not json", "body"),
    (b"[" * 100000 + b"]" * 100000, "body"),
    (b"[]", "location"),
    (b'{"device_id": "p", "location": {}}', "coords"),
    (b'{"device_id": "p", "location": {"coords": {"latitude": 1}}}', "longitude"),
    (b'{"device_id": true, "location": {"coords": {"latitude": 1, "longitude": 2}}}',
     "device_id"),
    (b'{"device_id": "", "location": {"coords": {"latitude": 1, "longitude": 2}}}',
     "device_id"),
    (b'{"device_id": "p", "location": {"coords": {"latitude": "1", "longitude": 2}}}',
     "latitude"),
    (b'{"device_id": "p", "location": {"coords": {"latitude": 1, "longitude": 2},'
     b' "battery": {"level": 2}}}', "level"),
])
def test_a_bad_json_report_names_its_field(body: bytes, field: str) -> None:
    with pytest.raises(ReportFieldError) as caught:
        parse_json(body)
    assert caught.value.field == field
