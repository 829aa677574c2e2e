"""Alert sources on constructed tracks: which condition holds at the snapshot's moment."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dispatch.alert_sources import (
    OngoingTrackEvents,
    StormSilence,
    active_storm,
    default_sources,
)
from dispatch.alerts import AlertParams, Condition, FleetSnapshot, LastFix, detect
from dispatch.fixes import FixArrays
from dispatch.storms import Storm
from tests.dispatch.synthetic import T0, Drive, arrays, bus, lonlat, plough, street

ROUTE = street(1, ((0.0, 0.0), (1000.0, 0.0)))
NOW = T0 + timedelta(hours=3)
FLEET = {7: plough(7), 8: plough(8), 9: bus(9), 10: plough(10)}
LAP = [(0.0, 0.0), (1000.0, 0.0), (1000.0, 3.0), (0.0, 3.0)]


def ending_now(drive: Drive, end: datetime = NOW) -> Drive:
    """The same drive, shifted so that its last fix is at ``end``."""
    last = drive.fixes()[-1].fix_time
    drive.start = drive.start + (end - last)
    return drive


def snapshot(fixes: FixArrays, *, storms: tuple[Storm, ...] = (),
             last_fixes: dict[int, LastFix] | None = None) -> FleetSnapshot:
    return FleetSnapshot(now=NOW, fixes=fixes, vehicles=FLEET, routes=[ROUTE], storms=storms,
                         last_fixes=last_fixes or {})


def holding(fixes: FixArrays, **params: float) -> list[tuple[int, str]]:
    found = detect(default_sources(AlertParams(**params)), snapshot(fixes))
    return [(c.vehicle_id, c.kind) for c in found]


def test_blade_down_away_from_every_route_holds_until_the_latest_fix() -> None:
    """6 km along a street that is no route, blade down, up to now: one alert for the plough,
    measured over the 12 minutes judged (25 km/h: 5 km)."""
    drive = ending_now(Drive(7, [(0.0, 500.0), (6000.0, 500.0)]))
    found = detect(default_sources(AlertParams()), snapshot(arrays(drive)))
    assert [(c.vehicle_id, c.kind) for c in found] == [(7, "equipment_on_off_route")]
    first_inside = min(f.fix_time for f in drive.fixes()
                       if f.fix_time >= NOW - timedelta(minutes=12))
    assert found[0].since == first_inside.timestamp()
    assert found[0].details["distance_m"] == pytest.approx(5000, abs=10)


def test_deadheading_that_ended_on_a_route_no_longer_holds() -> None:
    """Off every route with the blade down, then two minutes back on the route: nothing holds
    now."""
    drive = ending_now(Drive(7, [(0.0, 500.0), (1000.0, 500.0), (1000.0, 0.0), (0.0, 0.0)]))
    assert holding(arrays(drive)) == []


def test_blade_raised_off_the_routes_is_no_alert() -> None:
    drive = ending_now(Drive(7, [(0.0, 500.0), (2000.0, 500.0)], blade=False))
    assert holding(arrays(drive)) == []


def test_speeding_with_the_blade_down_on_a_route() -> None:
    """70 km/h along the route with the blade down, plough band up to 45 km/h."""
    drive = ending_now(Drive(7, [(0.0, 0.0), (1000.0, 0.0)], speed_kmh=70.0))
    found = detect(default_sources(AlertParams()), snapshot(arrays(drive)))
    assert [(c.vehicle_id, c.kind) for c in found] == [(7, "speeding_while_treating")]
    assert (found[0].details["max_speed_kmh"], found[0].details["limit_kmh"]) == (70.0, 45.0)


def parked(vehicle_id: int, minutes: float) -> Drive:
    """Reporting every 5 s from one spot for ``minutes``, up to now."""
    crawl_kmh = 0.0005
    path_m = minutes * 60 * crawl_kmh / 3.6
    return ending_now(Drive(vehicle_id, [(10.0, 10.0), (10.0 + path_m, 10.0)],
                            speed_kmh=crawl_kmh, blade=False))


def test_on_line_and_standing_longer_than_the_limit() -> None:
    """35 minutes in one spot, on line: not moving; 25 minutes: not yet."""
    assert holding(arrays(parked(7, 35))) == [(7, "online_not_moving")]
    assert holding(arrays(parked(7, 25))) == []
    assert holding(arrays(parked(7, 25)), idle_after_min=20) == [(7, "online_not_moving")]


def test_a_vehicle_gone_silent_is_not_standing_on_line() -> None:
    """40 minutes parked that ended 5 minutes ago: off line, not 'on line, standing'."""
    drive = parked(7, 40)
    drive.start -= timedelta(minutes=5)
    assert holding(arrays(drive)) == []


def test_a_bus_standing_is_not_judged() -> None:
    assert holding(arrays(parked(9, 60))) == []


def test_sensor_on_through_the_whole_window_is_stuck() -> None:
    """Blade 'down' at every fix for 2 h 20 min of laps on the route."""
    drive = ending_now(Drive(7, LAP * 40, speed_kmh=15.0, interval_s=10.0))
    assert holding(arrays(drive)) == [(7, "sensor_stuck_on")]


def test_sensor_off_through_the_whole_window_while_driving_never_toggled() -> None:
    drive = ending_now(Drive(7, LAP * 40, speed_kmh=15.0, interval_s=10.0, blade=False))
    found = detect(default_sources(AlertParams()), snapshot(arrays(drive)))
    assert [(c.vehicle_id, c.kind) for c in found] == [(7, "sensor_never_toggled")]
    assert found[0].details["driven_km"] > 25


def test_sensor_that_toggles_is_fine() -> None:
    """The blade raised on every return leg: the sensor changes, nothing holds."""
    drive = ending_now(Drive(7, LAP * 40, speed_kmh=15.0, interval_s=10.0,
                             blade=lambda d: (d // 1003) % 2 == 0))
    assert holding(arrays(drive)) == []


def storm(started: datetime, closed: datetime | None = None) -> Storm:
    return Storm(id=4, name="Метель", started_at=started, closed_at=closed)


def test_road_machines_silent_during_a_storm() -> None:
    """Storm declared an hour ago: 7 silent for 20 min, 8 heard 10 min ago, 10 never heard,
    the bus 9 silent (not a road machine)."""
    heard = {7: LastFix((NOW - timedelta(minutes=20)).timestamp(), *lonlat(5.0, 5.0)),
             8: LastFix((NOW - timedelta(minutes=10)).timestamp(), *lonlat(0.0, 0.0)),
             9: LastFix((NOW - timedelta(hours=2)).timestamp(), *lonlat(0.0, 0.0))}
    source = StormSilence(silent_after_s=15 * 60)
    found = source.conditions(snapshot(FixArrays.empty(), last_fixes=heard,
                                       storms=(storm(NOW - timedelta(hours=1)),)))
    assert found == [
        Condition("silent_during_storm", 7, heard[7].t, *lonlat(5.0, 5.0),
                  {"storm_id": 4, "storm": "Метель", "silent_min": 20.0}),
        Condition("silent_during_storm", 10, (NOW - timedelta(hours=1)).timestamp(), None, None,
                  {"storm_id": 4, "storm": "Метель", "silent_min": 60.0})]


def test_silence_counts_from_the_storm_start_and_ends_with_its_window() -> None:
    """Silent since yesterday, storm declared 10 min ago: not yet; a closed storm: never."""
    heard = {7: LastFix((NOW - timedelta(days=1)).timestamp(), *lonlat(0.0, 0.0))}
    source = StormSilence(silent_after_s=15 * 60)
    recent = (storm(NOW - timedelta(minutes=10)),)
    closed = (storm(NOW - timedelta(hours=5), closed=NOW - timedelta(hours=1)),)
    only_7 = {7: plough(7)}
    for storms in (recent, closed, ()):
        shot = FleetSnapshot(now=NOW, fixes=FixArrays.empty(), vehicles=only_7, routes=[ROUTE],
                             storms=storms, last_fixes=heard)
        assert source.conditions(shot) == []


def test_detect_keeps_one_condition_per_vehicle_and_kind_in_order() -> None:
    """Two sources reporting the same kind for one vehicle yield it once, the first's."""
    heard = {7: LastFix((NOW - timedelta(minutes=20)).timestamp(), 137.0, 50.5)}
    storms = (storm(NOW - timedelta(hours=1)),)
    sources = [StormSilence(silent_after_s=600), StormSilence(silent_after_s=60)]
    found = detect(sources, snapshot(FixArrays.empty(), storms=storms, last_fixes=heard))
    assert [(c.vehicle_id, c.kind) for c in found] == [(7, "silent_during_storm"),
                                                       (8, "silent_during_storm"),
                                                       (10, "silent_during_storm")]



def test_the_active_storm_is_the_earliest_declared_of_those_going_on() -> None:
    """Started at or before now and not closed by now; of two at once, the earlier one."""
    now = NOW.timestamp()
    earlier = Storm(id=1, name="первая", started_at=NOW - timedelta(hours=5))
    later = Storm(id=2, name="вторая", started_at=NOW - timedelta(hours=1))
    closed_now = storm(NOW - timedelta(hours=9), closed=NOW)
    starting_now = Storm(id=5, name="сейчас", started_at=NOW)
    assert active_storm([later, earlier, closed_now], now) is earlier
    assert active_storm([closed_now], now) is None
    assert active_storm([starting_now], now) is starting_now
    assert active_storm([starting_now], now - 1) is None
    assert active_storm([], now) is None


def test_the_server_runs_four_sources_each_over_its_own_window() -> None:
    """Equipment over the latest minutes, idling over its limit, the sensor over hours (each
    with fixes from two gaps earlier), and storm silence from the latest fixes."""
    params = AlertParams(recent_min=5.0, idle_after_min=20.0, sensor_window_h=3.0,
                         storm_silent_after_min=25.0, max_gap_s=90.0)
    equipment, idle, sensor, silence = default_sources(params)
    assert [s.kinds for s in (equipment, idle, sensor, silence)] == [
        ("equipment_on_off_route", "speeding_while_treating"), ("online_not_moving",),
        ("sensor_stuck_on", "sensor_never_toggled", "sensor_not_reported"),
        ("silent_during_storm",)]
    assert [s.lookback_s for s in (equipment, idle, sensor, silence)] == [
        480.0, 1380.0, 10980.0, 0.0]
    assert isinstance(sensor, OngoingTrackEvents) and sensor.params == params.event_params(
        10800.0)
    assert silence == StormSilence(silent_after_s=1500.0)
