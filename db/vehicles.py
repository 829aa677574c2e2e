"""Vehicles: what the fleet consists of and which input means its equipment is working."""

from __future__ import annotations

import json
from typing import Any

KINDS = ("plow", "grader", "sander", "loader", "dump_truck", "sweeper", "bus", "other")


def add_vehicle(cur: Any, name: str, kind: str, plate: str | None, contractor: str | None,
                equipment_input: int | None = None) -> int:
    equipment = {"input": equipment_input} if equipment_input else {}
    cur.execute("INSERT INTO vehicles (name, kind, plate, contractor, equipment)"
                " VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (name, kind, plate, contractor, json.dumps(equipment)))
    new_id: int = cur.fetchone()[0]
    return new_id


def list_vehicles(cur: Any) -> list[dict[str, Any]]:
    cur.execute("SELECT id, name, kind, plate, contractor, equipment FROM vehicles ORDER BY id")
    keys = ("id", "name", "kind", "plate", "contractor", "equipment")
    return [dict(zip(keys, row, strict=True)) for row in cur.fetchall()]


def update_vehicle(cur: Any, vehicle_id: int, *, name: str | None = None,
                   kind: str | None = None, plate: str | None = None,
                   contractor: str | None = None, equipment_input: int | None = None) -> bool:
    """Change the given fields (None leaves one as it is); returns whether the vehicle exists.

    An empty ``plate`` or ``contractor`` clears it; ``equipment_input`` 0 removes the input
    (other equipment keys, such as the tool, are kept).
    """
    sets: list[str] = []
    params: list[Any] = []
    for column, value in (("name", name), ("kind", kind)):
        if value is not None:
            sets.append(f"{column} = %s")
            params.append(value)
    for column, value in (("plate", plate), ("contractor", contractor)):
        if value is not None:
            sets.append(f"{column} = %s")
            params.append(value or None)
    if equipment_input is not None:
        if equipment_input:
            sets.append("equipment = equipment || jsonb_build_object('input', %s::int)")
            params.append(equipment_input)
        else:
            sets.append("equipment = equipment - 'input'")
    if not sets:
        cur.execute("SELECT 1 FROM vehicles WHERE id = %s", (vehicle_id,))
        return cur.fetchone() is not None
    cur.execute(f"UPDATE vehicles SET {', '.join(sets)} WHERE id = %s", (*params, vehicle_id))
    return bool(cur.rowcount)
