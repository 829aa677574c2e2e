"""Domain values to GeoJSON: longitude first, ISO times, equipment read from its input, the
driver only for staff."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from db.queries import VehicleLive
from dispatch.tracks import TrackFix
from dispatch.trips import Leg
from maps.api.geojson import (
    equipment_active,
    equipment_words_json,
    feature_collection,
    leg_json,
    row_feature,
    track_point_feature,
    track_segment_feature,
    vehicle_feature,
)

T0 = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)
PLOUGH = VehicleLive(
    id=5, name="КДМ 5", kind="plow", plate="А123ВС27", contractor="ДРСУ-1", driver="Сидоров Иван",
    driver_phone="+79141234567", terminals=("egts:1001",), equipment={"input": 2},
    fix_time=T0, received_at=T0 + timedelta(seconds=3), latitude=50.55, longitude=137.01,
    speed_kmh=23.456, course_deg=181.004, inputs=0b10)


def fix(seconds: int, inputs: int | None) -> TrackFix:
    return TrackFix(T0 + timedelta(seconds=seconds), 50.55 + seconds * 1e-5, 137.0, 12.5, 90.0,
                    True, inputs=inputs, satellites=9, hdop=0.8)


@pytest.mark.parametrize(("equipment", "inputs", "active"), [
    ({"input": 1}, 0b01, True),
    ({"input": 1}, 0b10, False),
    ({"input": 2}, 0b10, True),
    ({"input": 8}, 0b1000_0000, True),
    ({"input": 2}, None, None),  # the fix says nothing about the inputs
    ({}, 0b11, None),  # no input is wired to the equipment
    ({"input": "1"}, 0b11, None),
])
def test_equipment_state_is_the_bit_of_its_input(equipment: dict[str, Any], inputs: int | None,
                                                 active: bool | None) -> None:
    assert equipment_active(equipment, inputs) is active


def test_a_vehicle_is_a_point_at_lon_lat_with_its_state() -> None:
    feature = vehicle_feature(PLOUGH, T0 + timedelta(seconds=600), 600.0, with_driver=False)
    assert feature == {
        "type": "Feature", "id": 5,
        "geometry": {"type": "Point", "coordinates": [137.01, 50.55]},
        "properties": {
            "id": 5, "name": "КДМ 5", "kind": "plow", "plate": "А123ВС27",
            "contractor": "ДРСУ-1", "terminals": ["egts:1001"],
            "fix_time": "2026-02-03T07:00:00+00:00", "received_at": "2026-02-03T07:00:03+00:00",
            "speed_kmh": 23.46, "course_deg": 181.0, "inputs": 2, "equipment_active": True,
            "equipment_text": "отвал опущен", "online": True, "age_s": 600.0}}


def test_a_vehicle_goes_offline_past_the_threshold() -> None:
    feature = vehicle_feature(PLOUGH, T0 + timedelta(seconds=600.5), 600.0, with_driver=False)
    assert (feature["properties"]["online"], feature["properties"]["age_s"]) == (False, 600.5)


def test_the_named_tool_sets_the_words() -> None:
    """A plough whose registry names a spreader says what the spreader does."""
    spreading = replace(PLOUGH, equipment={"input": 2, "tool": "spreader"})
    assert vehicle_feature(spreading, T0, 600.0, with_driver=False)["properties"][
        "equipment_text"] == "разбрасыватель работает"
    assert equipment_words_json("plow", {"tool": "spreader"}) == {
        "on": "разбрасыватель работает", "off": "разбрасыватель выключен",
        "unknown": "нет данных"}
    assert equipment_words_json("plow", {"tool": ""}) == {
        "on": "отвал опущен", "off": "отвал поднят", "unknown": "нет данных"}


def test_the_driver_is_added_only_for_staff() -> None:
    staff = vehicle_feature(PLOUGH, T0, 600.0, with_driver=True)["properties"]
    assert (staff["driver"], staff["driver_phone"], staff["driver_phone_text"]) == (
        "Сидоров Иван", "+79141234567", "+7 914 123-45-67")
    public = vehicle_feature(PLOUGH, T0, 600.0, with_driver=False)["properties"]
    assert not {"driver", "driver_phone", "driver_phone_text"} & set(public)


def test_a_driver_without_a_phone_has_no_phone_text() -> None:
    staff = vehicle_feature(replace(PLOUGH, driver_phone=None), T0, 600.0,
                            with_driver=True)["properties"]
    assert (staff["driver_phone"], staff["driver_phone_text"]) == (None, None)


def test_a_track_stretch_is_a_line_with_per_fix_arrays() -> None:
    feature = track_segment_feature(5, [fix(0, 0b10), fix(5, 0), fix(10, None)], 3, {"input": 2})
    assert feature == {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [[137.0, 50.55], [137.0, 50.55005],
                                                           [137.0, 50.5501]]},
        "properties": {
            "vehicle_id": 5, "segment": 3, "start": "2026-02-03T07:00:00+00:00",
            "end": "2026-02-03T07:00:10+00:00",
            "times": ["2026-02-03T07:00:00+00:00", "2026-02-03T07:00:05+00:00",
                      "2026-02-03T07:00:10+00:00"],
            "speed_kmh": [12.5, 12.5, 12.5], "course_deg": [90.0, 90.0, 90.0],
            "valid": [True, True, True], "inputs": [2, 0, None],
            "equipment": [True, False, None]}}


def test_a_stretch_of_one_fix_is_a_point() -> None:
    feature = track_segment_feature(5, [fix(0, 1)], 0, {})
    assert feature["geometry"] == {"type": "Point", "coordinates": [137.0, 50.55]}
    assert feature["properties"]["start"] == feature["properties"]["end"]


def test_a_track_point_carries_the_fix_s_values() -> None:
    assert track_point_feature(5, fix(5, 3)) == {
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [137.0, 50.55005]},
        "properties": {"vehicle_id": 5, "time": "2026-02-03T07:00:05+00:00", "speed_kmh": 12.5,
                       "course_deg": 90.0, "valid": True, "inputs": 3, "black_box": False,
                       "satellites": 9, "hdop": 0.8}}


def test_a_leg_has_iso_times_its_duration_and_rounded_figures() -> None:
    leg = Leg("trip", T0, T0 + timedelta(minutes=2), 1234.56, 41.25)
    assert leg_json(leg) == {"kind": "trip", "start": "2026-02-03T07:00:00+00:00",
                             "end": "2026-02-03T07:02:00+00:00", "duration_s": 120.0,
                             "distance_m": 1234.6, "max_speed_kmh": 41.2}


def test_a_row_becomes_a_feature_with_iso_times() -> None:
    line = {"type": "LineString", "coordinates": [[137.0, 50.5], [137.1, 50.5]]}
    row = {"id": 4, "name": "Ленина", "valid_from": T0, "priority": 1, "geometry": line}
    assert row_feature(row) == {
        "type": "Feature", "id": 4, "geometry": line,
        "properties": {"id": 4, "name": "Ленина", "valid_from": "2026-02-03T07:00:00+00:00",
                       "priority": 1}}


def test_a_collection_keeps_its_extra_members() -> None:
    assert feature_collection((), generated_at="2026-02-03T07:00:00+00:00") == {
        "type": "FeatureCollection", "features": [],
        "generated_at": "2026-02-03T07:00:00+00:00"}
