"""Bus lines over the storm clock: uncleared stretches per line, buses on them now."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dispatch.bus_exposure import LiveBus, TransitLine, bus_exposure
from dispatch.projection import projection_for
from tests.dispatch.synthetic import Drive, lonlat
from tests.dispatch.test_storm_clock import EAST_ONLY, NOW, THERE_AND_BACK, clock_of

ALONG_STREET_1 = TransitLine("5", "Вокзал — Дзёмги", (lonlat(-200.0, 0.0), lonlat(1200.0, 0.0)))
ACROSS_BOTH = TransitLine("7", "Поперечная", (lonlat(500.0, 0.0), lonlat(500.0, 1000.0)))


def bus(vehicle_id: int, x: float, y: float, minutes_ago: float = 1.0) -> LiveBus:
    lon, lat = lonlat(x, y)
    return LiveBus(vehicle_id=vehicle_id, name=f"ПАЗ {vehicle_id}", line="5",
                   fix_time=NOW - timedelta(minutes=minutes_ago), lon=lon, lat=lat)


def test_a_line_along_an_uncleared_street_carries_it_and_a_crossing_line_does_not() -> None:
    """Line 5 runs the whole of street 1 (only half-worked): 1050 m of it along uncleared
    street (the street and its 25 m corridor's round ends). Line 7 only crosses streets 1 and
    2: 25 m and 50 m shared, no exposure."""
    exposures, _ = bus_exposure(clock_of(Drive(7, EAST_ONLY)), [ALONG_STREET_1, ACROSS_BOTH], [],
                                projection_for())
    along, across = exposures
    assert [s.route_id for s in along.stretches] == [1]
    assert along.uncleared_m == pytest.approx(1050.0, abs=0.5)
    assert along.length_m == pytest.approx(1400.0, abs=0.1)
    assert (across.stretches, across.uncleared_m) == ((), 0.0)


def test_once_the_street_is_cleared_the_line_runs_on_clear_road() -> None:
    exposures, _ = bus_exposure(clock_of(Drive(7, THERE_AND_BACK)), [ALONG_STREET_1], [],
                                projection_for())
    assert (exposures[0].stretches, exposures[0].uncleared_m) == ((), 0.0)


def test_buses_on_uncleared_stretches_now() -> None:
    """Bus 90 is on street 1, bus 91 in a yard, bus 92 on street 2 but silent for 10 min."""
    buses = [bus(90, 300.0, 3.0), bus(91, 300.0, 300.0), bus(92, 600.0, 500.0, 10.0)]
    _, on = bus_exposure(clock_of(Drive(7, EAST_ONLY)), [], buses, projection_for())
    assert [(b.bus.vehicle_id, b.stretch.route_id, b.stretch.state) for b in on] == [
        (90, 1, "on_track")]
