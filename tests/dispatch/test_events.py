"""Events: deadheading with the blade down, speeding while treating, sensor and idle anomalies."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dispatch.events import Event, EventParams, find_events
from dispatch.fixes import FixArrays
from tests.dispatch.synthetic import T0, Drive, arrays, bus, plough, street

ROUTE = street(1, ((0.0, 0.0), (1000.0, 0.0)))
SHIFT = (T0 - timedelta(minutes=1), T0 + timedelta(hours=8))


def events(fixes: FixArrays, **params: float) -> list[Event]:
    return find_events(fixes, [ROUTE], {7: plough(7), 9: bus(9)}, window=SHIFT,
                       params=EventParams(**params))


def kinds(found: list[Event]) -> list[str]:
    return [e.kind for e in found]


def test_blade_down_away_from_every_route_is_reported() -> None:
    """Driving 1 km along a street that is no route with the blade down is deadheading."""
    found = events(arrays(Drive(7, [(0.0, 500.0), (1000.0, 500.0)])))
    (event,) = [e for e in found if e.kind == "equipment_on_off_route"]
    assert event.vehicle_id == 7 and event.details["distance_m"] == pytest.approx(1000, rel=0.05)


def test_blade_down_on_the_route_or_raised_off_it_is_not_reported() -> None:
    """On the route with the blade down, or off it with the blade up: nothing to report."""
    on_route = Drive(7, [(0.0, 0.0), (1000.0, 0.0)])
    raised = Drive(7, [(0.0, 500.0), (1000.0, 500.0)], blade=False,
                   start=T0 + timedelta(minutes=10))
    assert "equipment_on_off_route" not in kinds(events(arrays(on_route, raised)))


def test_short_blade_down_hop_between_routes_is_tolerated() -> None:
    """Less than off_route_min_m off the routes with the blade down is not an event."""
    hop = Drive(7, [(0.0, 0.0), (0.0, 200.0)])
    assert "equipment_on_off_route" not in kinds(events(arrays(hop)))


def test_speeding_with_blade_down_is_reported_with_its_top_speed() -> None:
    """70 km/h with the blade down (plough band up to 45) is speeding while treating."""
    found = events(arrays(Drive(7, [(0.0, 0.0), (3000.0, 0.0)], speed_kmh=70.0)))
    (event,) = [e for e in found if e.kind == "speeding_while_treating"]
    assert event.details["max_speed_kmh"] == pytest.approx(70.0)
    assert event.details["limit_kmh"] == 45.0


def test_speeding_with_blade_up_is_not_a_treatment_event() -> None:
    """Fast with the blade raised is a traffic matter, not a treatment one."""
    found = events(arrays(Drive(7, [(0.0, 0.0), (3000.0, 0.0)], speed_kmh=70.0, blade=False)))
    assert "speeding_while_treating" not in kinds(found)


def test_sensor_on_for_a_whole_shift_is_stuck() -> None:
    """Blade 'down' at every fix for five hours of driving is a stuck sensor."""
    loop = [(0.0, 0.0), (1000.0, 0.0), (1000.0, 3.0), (0.0, 3.0)] * 90
    found = events(arrays(Drive(7, loop, speed_kmh=15.0)))
    assert "sensor_stuck_on" in kinds(found)


def test_sensor_that_never_toggles_while_driving_is_reported() -> None:
    """Blade 'up' at every fix while driving 60 km through a shift: the sensor never toggled."""
    loop = [(0.0, 0.0), (1000.0, 0.0), (1000.0, 3.0), (0.0, 3.0)] * 30
    found = events(arrays(Drive(7, loop, speed_kmh=15.0, blade=False)))
    (event,) = [e for e in found if e.kind == "sensor_never_toggled"]
    assert event.details["driven_km"] > 5


def test_sensor_that_toggles_is_not_reported() -> None:
    """A blade raised for the return leg of each lap toggles: no sensor event."""
    loop = [(0.0, 0.0), (1000.0, 0.0), (1000.0, 3.0), (0.0, 3.0)] * 40
    found = events(arrays(Drive(7, loop, speed_kmh=15.0,
                                blade=lambda d: (d // 1000) % 2 == 0)))
    assert not {"sensor_stuck_on", "sensor_never_toggled"} & set(kinds(found))


def test_terminal_online_but_never_moving_is_a_ghost() -> None:
    """Reporting every 5 s for five hours from one spot is 'online, not moving'."""
    parked = Drive(7, [(10.0, 10.0), (13.0, 10.0)], speed_kmh=0.0005, noise_m=3.0,
                   blade=False)
    found = events(arrays(parked))
    (event,) = [e for e in found if e.kind == "online_not_moving"]
    assert event.details["hours"] >= 4


def test_short_data_is_not_judged_as_a_shift() -> None:
    """Twenty minutes of data are too little to call a sensor stuck or a vehicle idle."""
    found = events(arrays(Drive(7, [(0.0, 0.0), (8000.0, 0.0)], speed_kmh=25.0)))
    assert not {"sensor_stuck_on", "online_not_moving"} & set(kinds(found))


def test_buses_are_not_judged() -> None:
    """A bus has no equipment: no sensor or idle events for it."""
    parked = Drive(9, [(10.0, 10.0), (12.0, 10.0)], speed_kmh=0.0005)
    assert events(arrays(parked)) == []


def test_a_window_without_any_usable_fix_has_no_events() -> None:
    """Fixes all outside the window (the alert job's quiet minute): nothing, and no crash."""
    later = arrays(Drive(7, [(0.0, 0.0), (1000.0, 0.0)], start=T0 + timedelta(hours=9)))
    assert events(later) == []
    assert events(arrays()) == []
