"""The demo fleet: its size and kinds, terminals, identities in the registry's formats, routes
that fit each machine, and drivers that keep every vehicle on its own line."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

import pytest
from shapely.geometry import LineString, Point

from dispatch.demo_city import demo_bus_lines, demo_routes
from dispatch.demo_fleet import TRACKER_PROTOCOLS, demo_driver, demo_fleet, luhn_check_digit
from dispatch.projection import geometry_to_metric, to_metric
from dispatch.registry_input import check_vehicle_changes
from tests.dispatch.test_demo_city import CYRILLIC

PLATE_LETTERS = "АВЕКМНОРСТУХ"
TRUCK_PLATE = re.compile(f"^[{PLATE_LETTERS}]\\d{{3}}[{PLATE_LETTERS}]{{2}}27$")
BUS_PLATE = re.compile(f"^[{PLATE_LETTERS}]{{2}}\\d{{3}}27$")
ROAD_KINDS = {"plow", "grader", "sander", "loader", "dump_truck", "sweeper"}


def luhn_valid(number: str) -> bool:
    """Independent Luhn check over the whole number, check digit included."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n // 10 + n % 10
    return total % 10 == 0


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


def test_a_small_fleet_shares_out_the_kinds_by_largest_remainder() -> None:
    """Ten machines: 10 x 24/78 ploughs is 3.08, spreaders and dump trucks 1.79 each (the two
    largest remainders get the two left over), the rest one each; grouped by kind."""
    kinds = [v.kind for v in demo_fleet(road_vehicles=10, buses=0)]
    assert kinds == ["plow"] * 3 + ["sander"] * 2 + ["dump_truck"] * 2 + [
        "loader", "grader", "sweeper"]


def test_trackers_that_log_in_with_the_imei_are_known_by_it_the_rest_by_terminal_id() -> None:
    by_protocol = {v.protocol: v for v in demo_fleet()}
    assert {p: v.identifier == v.imei for p, v in by_protocol.items()} == {
        "egts": False, "ndtp": False, "wialon": False, "wialonretr": False, "osmand": False,
        "teltonika": True, "galileosky": True, "navtelecom": True}
    assert by_protocol["osmand"].identifier == str(by_protocol["osmand"].tid)


def test_luhn_check_digit_takes_digits_only() -> None:
    """The textbook account number 7992739871 gets 3; anything but digits is refused."""
    assert luhn_check_digit("7992739871") == "3" and luhn_check_digit("0") == "0"
    for bad in ("", "4901542032375a", "49015 4203"):
        with pytest.raises(ValueError, match="digits only"):
            luhn_check_digit(bad)
