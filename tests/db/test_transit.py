"""Public transport in PostGIS: bus lines, putting a bus on a line, the buses' live state."""

from __future__ import annotations

from typing import Any

from db import transit
from db.terminals import add_terminal
from db.vehicles import add_vehicle, remove_vehicle
from tests.db.stored_fixes import T0, fix, store_on


def bus_with_fix(cur: Any, name: str, identifier: str, kind: str = "bus") -> int:
    vehicle = add_vehicle(cur, name, kind, None, None)
    store_on(cur, add_terminal(cur, "egts", identifier, None, vehicle), vehicle, [fix(0)])
    return vehicle


def test_live_buses_are_the_buses_with_a_fix_and_their_line(cur: Any) -> None:
    """Other kinds, removed buses and buses never heard from are not there."""
    bus = bus_with_fix(cur, "Автобус 1", "1")
    bus_with_fix(cur, "Плуг", "2", kind="plow")
    removed = bus_with_fix(cur, "Списан", "3")
    remove_vehicle(cur, removed, None)
    add_vehicle(cur, "Без связи", "bus", None, None)
    assert transit.assign_route(cur, bus, "12", "trip-7") == "bus"
    assert transit.live_buses(cur) == [transit.BusLive(
        bus, "Автобус 1", None, "12", "trip-7", T0, 50.55, 137.012345, 23.4, 271.0)]


def test_taking_a_vehicle_off_its_line_drops_the_trip_too(cur: Any) -> None:
    vehicle = add_vehicle(cur, "Автобус 1", "bus", None, None)
    transit.assign_route(cur, vehicle, "12", "trip-7")
    cur.execute("SELECT route_assigned_at IS NOT NULL FROM vehicles")
    assert cur.fetchone() == (True,)
    assert transit.assign_route(cur, vehicle, None, "trip-8") == "bus"
    cur.execute("SELECT route_number, trip_id, route_assigned_at FROM vehicles")
    assert cur.fetchone() == (None, None, None)
    assert transit.assign_route(cur, vehicle + 1, "12", None) is None


def test_bus_lines_come_by_number_as_lon_lat_pairs(cur: Any) -> None:
    for number, name, line in (("7", "Вокзал", "LINESTRING(137 50.5, 137.5 50.25)"),
                               ("12", "Центр", "LINESTRING(136 50, 136.1 50.1, 136.2 50)")):
        cur.execute("INSERT INTO bus_lines (number, name, geom)"
                    " VALUES (%s, %s, ST_GeomFromText(%s, 4326))", (number, name, line))
    assert transit.bus_lines(cur) == [
        transit.BusLine("12", "Центр", ((136.0, 50.0), (136.1, 50.1), (136.2, 50.0))),
        transit.BusLine("7", "Вокзал", ((137.0, 50.5), (137.5, 50.25)))]
