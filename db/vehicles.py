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
