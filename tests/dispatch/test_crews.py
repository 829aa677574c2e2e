"""Crews as the breach forecast sees them: the latest trustworthy position and working speed."""

from __future__ import annotations

import math
from datetime import timedelta

from dispatch.crews import observe_crews
from dispatch.equipment import VehicleInfo
from dispatch.fixes import FixArrays
from dispatch.tracks import TrackFix
from tests.dispatch.synthetic import T0, plough

NOW = (T0 + timedelta(seconds=60)).timestamp()


def fix(t_s: float, speed: float, *, inputs: int = 1, valid: bool = True,
        course: float = 90.0, lon: float = 137.0) -> TrackFix:
    return TrackFix(fix_time=T0 + timedelta(seconds=t_s), latitude=50.55, longitude=lon,
                    speed_kmh=speed, course_deg=course, valid=valid, inputs=inputs,
                    black_box=False, satellites=10, hdop=1.0)


def test_crews_work_at_the_median_speed_of_moving_fixes_with_the_tool_on() -> None:
    """Standing, tool-up, invalid and future fixes are not working speeds; the latest valid
    fix not after now is the position."""
    rows = [fix(0, 10.0), fix(10, 20.0), fix(20, 30.0), fix(30, 0.0), fix(40, 50.0, inputs=0),
            fix(50, 90.0, valid=False), fix(600, 40.0)]
    crews = observe_crews(FixArrays.from_track_fixes([7] * len(rows), rows), {7: plough(7)},
                          (T0 + timedelta(seconds=60)).timestamp())
    assert crews[7].working_kmh == 20.0 and crews[7].working_fixes == 3
    assert crews[7].t == (T0 + timedelta(seconds=40)).timestamp()


def test_a_crew_stands_where_its_latest_fix_is_whatever_the_row_order() -> None:
    """Rows come in any order: the position and course are those of the latest fix in time."""
    rows = [fix(30, 20.0, course=180.0, lon=137.003), fix(10, 20.0, lon=137.001),
            fix(20, 20.0, lon=137.002)]
    crew = observe_crews(FixArrays.from_track_fixes([7] * 3, rows), {7: plough(7)}, NOW)[7]
    assert (crew.t, crew.lon, crew.lat, crew.course_deg) == (
        (T0 + timedelta(seconds=30)).timestamp(), 137.003, 50.55, 180.0)


def test_the_working_speed_is_rounded_to_a_tenth() -> None:
    rows = [fix(0, 10.04), fix(10, 10.12)]
    crew = observe_crews(FixArrays.from_track_fixes([7] * 2, rows), {7: plough(7)}, NOW)[7]
    assert crew.working_kmh == 10.1


def test_moving_at_exactly_the_threshold_is_working() -> None:
    rows = [fix(0, 2.9), fix(10, 3.0)]
    crew = observe_crews(FixArrays.from_track_fixes([7] * 2, rows), {7: plough(7)}, NOW)[7]
    assert (crew.working_kmh, crew.working_fixes) == (3.0, 1)


def test_each_vehicle_is_observed_on_its_own_fixes_and_carries_its_registry_facts() -> None:
    """Two vehicles' rows interleaved: each crew has only its own fixes, contractor and tools."""
    rows = [fix(0, 12.0), fix(0, 30.0), fix(10, 14.0), fix(10, 0.0)]
    fixes = FixArrays.from_track_fixes([7, 8, 7, 8], rows)
    vehicles = {7: plough(7, "ООО «А»"), 8: plough(8, "ООО «Б»")}
    crews = observe_crews(fixes, vehicles, NOW)
    assert sorted(crews) == [7, 8]
    assert (crews[7].working_kmh, crews[7].working_fixes, crews[7].contractor) == (
        13.0, 2, "ООО «А»")
    assert (crews[8].working_kmh, crews[8].working_fixes, crews[8].contractor) == (
        30.0, 1, "ООО «Б»")
    assert crews[7].treatments == vehicles[7].treatments and crews[7].treatments


def test_a_vehicle_without_a_sensor_or_registry_entry_has_no_working_speed() -> None:
    """Without a sensed tool nothing is known to be working; an unregistered vehicle is still
    a position, with no contractor and no treatments."""
    rows = [fix(0, 20.0), fix(10, 25.0)]
    unsensed = observe_crews(FixArrays.from_track_fixes([7] * 2, rows),
                             {7: plough(7, sensor=False)}, NOW)[7]
    assert (unsensed.working_kmh, unsensed.working_fixes) == (None, 0)
    unknown = observe_crews(FixArrays.from_track_fixes([9] * 2, rows),
                            {7: plough(7)}, NOW)[9]
    assert (unknown.contractor, unknown.treatments, unknown.working_kmh) == (None, (), None)
    assert unknown.t == (T0 + timedelta(seconds=10)).timestamp()


def test_an_unreported_course_is_none() -> None:
    rows = [fix(0, 20.0, course=math.nan)]
    crew = observe_crews(FixArrays.from_track_fixes([7], rows), {7: plough(7)}, NOW)[7]
    assert crew.course_deg is None


def test_vehicles_with_only_invalid_or_future_fixes_are_not_crews() -> None:
    rows = [fix(0, 20.0, valid=False), fix(120, 20.0)]
    fixes = FixArrays.from_track_fixes([7, 8], rows)
    assert observe_crews(fixes, {7: plough(7), 8: plough(8)}, NOW) == {}
    assert observe_crews(FixArrays.empty(), {}, NOW) == {}


def test_registry_without_fixes_gives_no_crew() -> None:
    vehicles: dict[int, VehicleInfo] = {7: plough(7)}
    rows = [fix(0, 20.0)]
    assert list(observe_crews(FixArrays.from_track_fixes([8], rows), vehicles, NOW)) == [8]
