"""The shipped demo city (routes, marks, bus lines) and the demo fleet."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from importlib import resources

import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point

from dispatch.demo_city import demo_bus_lines, demo_marks, demo_routes
from dispatch.demo_fleet import TRACKER_PROTOCOLS, demo_driver, demo_fleet, luhn_check_digit
from dispatch.projection import geometry_to_metric, to_metric
from dispatch.registry_input import check_vehicle_changes

GEOD = Geod(ellps="WGS84")
LAT_RANGE = (50.45, 50.65)
LON_RANGE = (136.85, 137.15)
CYRILLIC = re.compile("[А-Яа-яЁё]")
PLATE_LETTERS = "АВЕКМНОРСТУХ"
TRUCK_PLATE = re.compile(f"^[{PLATE_LETTERS}]\\d{{3}}[{PLATE_LETTERS}]{{2}}27$")
BUS_PLATE = re.compile(f"^[{PLATE_LETTERS}]{{2}}\\d{{3}}27$")
ROAD_KINDS = {"plow", "grader", "sander", "loader", "dump_truck", "sweeper"}


def in_city(lon: float, lat: float) -> bool:
    return LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]


def geodesic_length_m(coordinates: tuple[tuple[float, float], ...]) -> float:
    pairs = zip(coordinates, coordinates[1:], strict=False)
    return float(sum(GEOD.inv(*a, *b)[2] for a, b in pairs))


def luhn_valid(number: str) -> bool:
    """Independent Luhn check over the whole number, check digit included."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n // 10 + n % 10
    return total % 10 == 0


def test_routes_have_the_promised_properties() -> None:
    """Every route has a Russian name, a known treatment, priority 1..3, passes and width."""
    routes = demo_routes()
    assert 15 <= len(routes) <= 25
    for r in routes:
        assert CYRILLIC.search(r.name), r.name
        assert r.treatment in ("plough", "spread", "sweep")
        assert 1 <= r.priority <= 3
        assert isinstance(r.passes_required, int) and r.passes_required >= 1
        assert r.direction in ("both", "as_drawn")
        assert 15 <= r.half_width_m <= 20
    assert {r.treatment for r in routes} == {"plough", "spread", "sweep"}


def test_route_names_are_unique() -> None:
    """No two routes share a name, so a name identifies a route in reports."""
    names = [r.name for r in demo_routes()]
    assert len(names) == len(set(names))


def test_routes_are_simple_city_lines() -> None:
    """Each route has 6..40 vertices, at least two distinct, all inside the city's box."""
    for r in demo_routes():
        assert 6 <= len(r.coordinates) <= 40, r.name
        assert len(set(r.coordinates)) >= 2, r.name
        assert all(in_city(lon, lat) for lon, lat in r.coordinates), r.name
        metric = geometry_to_metric(LineString(r.coordinates))
        assert metric.is_valid and metric.length > 500, r.name


def test_route_network_is_at_least_100_km() -> None:
    """The routes add up to at least 100 km of street, measured on the ellipsoid."""
    total = sum(geodesic_length_m(r.coordinates) for r in demo_routes())
    assert total >= 100_000


def test_shipped_coordinates_have_six_decimals_at_most() -> None:
    """Positions in the files are rounded to 6 decimals (about 0.1 m), as drawn."""
    for name in ("komsomolsk_demo.geojson", "komsomolsk_marks.geojson",
                 "komsomolsk_bus_lines.geojson"):
        text = resources.files("dispatch").joinpath("data", name).read_text(encoding="utf-8")
        for feature in json.loads(text)["features"]:
            coords = feature["geometry"]["coordinates"]
            flat = [coords] if feature["geometry"]["type"] == "Point" else coords
            for lon, lat in flat:
                assert round(lon, 6) == lon and round(lat, 6) == lat


def test_marks_cover_every_layer_with_russian_text() -> None:
    """About ten marks over the three layers, the highway's road state drawn as a line."""
    marks = demo_marks()
    assert 8 <= len(marks) <= 14
    assert {m.layer for m in marks} == {"road_state", "broken_elevator", "flooded_basement"}
    for m in marks:
        assert CYRILLIC.search(m.text) and isinstance(m.public, bool)
        assert m.status in ("open", "in_progress", "resolved")
        assert all(in_city(lon, lat) for lon, lat in m.coordinates)
        assert (m.geometry_type == "Point") == (len(m.coordinates) == 1)
    lines = [m for m in marks if m.geometry_type == "LineString"]
    assert lines and all(m.layer == "road_state" for m in lines)
    assert any("Хабаровск" in m.text for m in lines)


def test_bus_lines_load() -> None:
    """Two to four bus lines with distinct numbers, each a line inside the city."""
    lines = demo_bus_lines()
    assert 2 <= len(lines) <= 4
    assert len({b.number for b in lines}) == len(lines)
    for b in lines:
        assert b.number.isdigit() and CYRILLIC.search(b.name)
        assert len(set(b.coordinates)) >= 2
        assert all(in_city(lon, lat) for lon, lat in b.coordinates)


def test_fleet_has_78_road_vehicles_and_6_buses() -> None:
    """The default fleet is 78 road machines of all six kinds followed by 6 buses."""
    fleet = demo_fleet()
    kinds = Counter(v.kind for v in fleet)
    assert len(fleet) == 84 and kinds["bus"] == 6
    assert set(kinds) - {"bus"} == ROAD_KINDS
    assert sum(n for kind, n in kinds.items() if kind != "bus") == 78
    assert kinds["plow"] == max(kinds.values())
    assert [v.kind for v in fleet[-6:]] == ["bus"] * 6


def test_fleet_is_deterministic() -> None:
    """Two calls build the very same fleet (names, plates, IMEIs, routes)."""
    assert demo_fleet() == demo_fleet()
    assert demo_fleet(10, 2) == demo_fleet(10, 2)


def test_fleet_tids_count_up_from_1001() -> None:
    """Terminal ids are 1001, 1002, ... with no gaps, in fleet order."""
    assert [v.tid for v in demo_fleet()] == list(range(1001, 1085))


def test_fleet_drivers_are_as_the_registry_stores_them_each_with_a_phone_of_their_own(
        ) -> None:
    fleet = demo_fleet()
    assert (fleet[0].driver, fleet[0].driver_phone) == ("Иванов А. А.", "+79145001001")
    assert len({v.driver_phone for v in fleet}) == len(fleet)
    for v in fleet:
        given = {"driver": v.driver, "driver_phone": v.driver_phone}
        assert check_vehicle_changes(given) == given, v


def test_fleet_imeis_are_15_digits_with_a_valid_luhn_digit() -> None:
    """Every IMEI is 15 digits, unique, and passes an independent Luhn check."""
    imeis = [v.imei for v in demo_fleet()]
    assert len(set(imeis)) == len(imeis)
    for imei in imeis:
        assert len(imei) == 15 and imei.isdigit() and luhn_valid(imei), imei


def test_luhn_check_digit_matches_a_known_imei() -> None:
    """The textbook IMEI 49015420323751-8 gets its check digit 8."""
    assert luhn_check_digit("49015420323751") == "8"
    assert luhn_valid("490154203237518")


def test_fleet_plates_are_russian_and_from_region_27() -> None:
    """Trucks carry А123ВС27-style plates, buses the passenger-transport АВ12327 style."""
    fleet = demo_fleet()
    plates = [v.plate for v in fleet]
    assert len(set(plates)) == len(plates)
    for v in fleet:
        pattern = BUS_PLATE if v.kind == "bus" else TRUCK_PLATE
        assert pattern.match(v.plate), v.plate
        assert "000" not in v.plate


def test_fleet_has_three_or_four_contractors() -> None:
    """The fleet belongs to 3-4 contractors, buses to one operator of their own."""
    fleet = demo_fleet()
    assert 3 <= len({v.contractor for v in fleet}) <= 4
    assert len({v.contractor for v in fleet if v.kind == "bus"}) == 1
    assert all(CYRILLIC.search(v.contractor) for v in fleet)


def test_every_route_has_a_contractor_whose_vehicles_work_it() -> None:
    """Routes are shared among the three road contractors; a road machine belongs to the
    contractor of the route it works, so the storm act's contractor table is filled."""
    routes = demo_routes()
    assert {r.contractor for r in routes} == {
        "МУП «Спецавтохозяйство»", "ООО «Дорожник-27»", "ООО «Амурдорсервис»"}
    for v in demo_fleet():
        if v.kind != "bus":
            assert v.contractor == routes[v.route_index].contractor, v


def test_each_vehicle_has_one_terminal_buses_ndtp_three_road_machines_per_tracker() -> None:
    """One terminal per vehicle: buses NDTP, every fourth road machine from the fourth on a
    tracker protocol (three each, spread over the kinds), the rest EGTS; identifiers all
    different, trackers that log in with the IMEI known by it."""
    fleet = demo_fleet()
    assert {v.protocol for v in fleet if v.kind == "bus"} == {"ndtp"}
    road = [v for v in fleet if v.kind != "bus"]
    assert Counter(v.protocol for v in road) == {"egts": 60, **dict.fromkeys(TRACKER_PROTOCOLS, 3)}
    assert [v.protocol for v in road[3:27:4]] == list(TRACKER_PROTOCOLS)
    assert len({v.kind for v in road if v.protocol != "egts"}) == 6
    assert fleet[0].terminal == "egts:1001" and fleet[-1].terminal == "ndtp:1084"
    assert (fleet[3].terminal, fleet[7].terminal) == ("wialon:1004",
                                                      f"teltonika:{fleet[7].imei}")
    assert fleet[23].terminal == "osmand:1024"
    assert len({v.terminal for v in fleet}) == len(fleet) == 84


def test_fleet_vehicles_are_assigned_to_fitting_routes() -> None:
    """Spreaders get spread routes, sweepers sweep routes, ploughs plough routes, buses lines."""
    routes, lines = demo_routes(), demo_bus_lines()
    wanted = {"plow": "plough", "grader": "plough", "sander": "spread", "sweeper": "sweep"}
    for v in demo_fleet():
        if v.kind == "bus":
            assert 0 <= v.route_index < len(lines)
            continue
        assert 0 <= v.route_index < len(routes)
        if v.kind in wanted:
            assert routes[v.route_index].treatment == wanted[v.kind], v


def test_every_route_and_line_has_a_vehicle() -> None:
    """With the default fleet no route and no bus line is left without a vehicle."""
    fleet = demo_fleet()
    assert {v.route_index for v in fleet if v.kind != "bus"} == set(range(len(demo_routes())))
    assert {v.route_index for v in fleet if v.kind == "bus"} == set(range(len(demo_bus_lines())))


def test_equipment_tool_is_declared_for_machines_with_a_sensor() -> None:
    """Ploughs, graders, spreaders, loaders and sweepers have a tool; buses and trucks none."""
    for v in demo_fleet():
        assert (v.equipment_tool is None) == (v.kind in ("bus", "dump_truck"))


def test_fleet_scales_to_other_sizes() -> None:
    """A smaller fleet keeps the shape: the asked-for counts, consecutive TIDs, buses last."""
    fleet = demo_fleet(road_vehicles=10, buses=2)
    assert len(fleet) == 12 and [v.kind for v in fleet[-2:]] == ["bus", "bus"]
    assert [v.tid for v in fleet] == list(range(1001, 1013))
    assert demo_fleet(0, 0) == ()
    with pytest.raises(ValueError):
        demo_fleet(-1, 0)


def test_demo_driver_keeps_each_vehicle_on_its_route() -> None:
    """Drivers for demo vehicles report positions on the vehicle's own route or bus line."""
    start = datetime(2025, 1, 20, 21, 0, tzinfo=UTC)
    fleet = demo_fleet()
    for vehicle in (fleet[0], fleet[30], fleet[-1]):
        driver = demo_driver(vehicle, start)
        source = demo_bus_lines() if vehicle.kind == "bus" else demo_routes()
        line = geometry_to_metric(LineString(source[vehicle.route_index].coordinates))
        first = driver.state_at(start)
        assert first.odometer_m == driver.odometer_start_m > 0
        for state in driver.states(start, step_s=30.0, count=120):
            assert line.distance(Point(to_metric(state.longitude, state.latitude))) < 1.0


def test_demo_drivers_spread_route_mates_apart() -> None:
    """Vehicles sharing a route start at different places along it."""
    start = datetime(2025, 1, 20, 21, 0, tzinfo=UTC)
    fleet = demo_fleet()
    by_route = Counter(v.route_index for v in fleet if v.kind != "bus")
    busiest = by_route.most_common(1)[0][0]
    mates = [v for v in fleet if v.kind != "bus" and v.route_index == busiest]
    offsets = {round(demo_driver(v, start).state_at(start).route_offset_m) for v in mates}
    assert len(offsets) == len(mates)
