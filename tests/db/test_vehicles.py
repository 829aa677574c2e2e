"""The fleet in PostGIS: adding, listing, editing and removing vehicles."""

from __future__ import annotations

from typing import Any

import psycopg2.errors
import pytest

from db import vehicles
from db.terminals import add_terminal
from dispatch.registry_input import VehicleInput


def test_the_kinds_the_input_checks_allow_are_exactly_those_the_table_takes(cur: Any) -> None:
    for kind in vehicles.KINDS:
        vehicles.add_vehicle(cur, kind, kind, None, None)
    assert [v["kind"] for v in vehicles.list_vehicles(cur)] == list(vehicles.KINDS)
    with pytest.raises(psycopg2.errors.CheckViolation):
        vehicles.add_vehicle(cur, "Трамвай", "tram", None, None)


def test_a_checked_vehicle_is_listed_with_its_terminals(cur: Any) -> None:
    vehicle = vehicles.add_checked_vehicle(cur, VehicleInput(
        "КДМ 1", "plow", "А001АА", "ООО Снег", 3, "Иван", "+79001234567"))
    bare = vehicles.add_vehicle(cur, "Грейдер", "grader", None, None, 0)
    add_terminal(cur, "ndtp", "9", None, vehicle)
    add_terminal(cur, "egts", "1", None, vehicle)
    assert vehicles.list_vehicles(cur) == [
        {"id": vehicle, "name": "КДМ 1", "kind": "plow", "plate": "А001АА",
         "contractor": "ООО Снег", "driver": "Иван", "driver_phone": "+79001234567",
         "equipment": {"input": 3}, "terminals": ["ndtp:9", "egts:1"]},
        {"id": bare, "name": "Грейдер", "kind": "grader", "plate": None, "contractor": None,
         "driver": None, "driver_phone": None, "equipment": {}, "terminals": []}]
    assert [v["id"] for v in vehicles.list_vehicles(cur, only=bare)] == [bare]


def test_removal_is_soft_and_frees_the_terminals(cur: Any) -> None:
    vehicle = vehicles.add_vehicle(cur, "КДМ 1", "plow", None, None)
    terminal = add_terminal(cur, "egts", "1", None, vehicle)
    assert vehicles.remove_vehicle(cur, vehicle, "admin")
    assert vehicles.list_vehicles(cur) == []
    cur.execute("SELECT deleted_at IS NOT NULL, deleted_by FROM vehicles WHERE id = %s",
                (vehicle,))
    assert cur.fetchone() == (True, "admin")
    cur.execute("SELECT vehicle_id FROM terminals WHERE id = %s", (terminal,))
    assert cur.fetchone() == (None,)
    assert not vehicles.remove_vehicle(cur, vehicle, "admin")
    assert not vehicles.update_vehicle(cur, vehicle, name="Снова")
    assert not vehicles.update_vehicle(cur, vehicle)


def test_an_edit_changes_the_given_fields_and_clears_the_empty_ones(cur: Any) -> None:
    vehicle = vehicles.add_vehicle(cur, "КДМ 1", "plow", "А001АА", "ООО Снег", 2,
                                   driver="Иван", driver_phone="+79001234567")
    cur.execute("UPDATE vehicles SET equipment = equipment || '{\"tool\": \"blade\"}'")
    assert vehicles.update_vehicle(cur, vehicle, kind="sander", plate="", driver="Пётр",
                                   equipment_input=5)
    (edited,) = vehicles.list_vehicles(cur)
    assert (edited["name"], edited["kind"], edited["plate"], edited["contractor"],
            edited["driver"], edited["driver_phone"], edited["equipment"]) == (
        "КДМ 1", "sander", None, "ООО Снег", "Пётр", "+79001234567",
        {"input": 5, "tool": "blade"})
    assert vehicles.update_vehicle(cur, vehicle, equipment_input=0, contractor="",
                                   driver_phone="")
    (edited,) = vehicles.list_vehicles(cur)
    assert (edited["contractor"], edited["driver_phone"], edited["equipment"]) == (
        None, None, {"tool": "blade"})
    assert vehicles.update_vehicle(cur, vehicle)
    assert not vehicles.update_vehicle(cur, vehicle + 1)
    assert not vehicles.update_vehicle(cur, vehicle + 1, name="Нет такой")
