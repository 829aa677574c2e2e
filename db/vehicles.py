"""Vehicles: what the fleet consists of and which input means its equipment is working."""

from __future__ import annotations

import json
from typing import Any

from dispatch.registry_input import VEHICLE_KINDS as KINDS
from dispatch.registry_input import VehicleInput

__all__ = ["KINDS", "add_checked_vehicle", "add_vehicle", "list_vehicles", "remove_vehicle",
           "update_vehicle"]


def add_vehicle(cur: Any, name: str, kind: str, plate: str | None, contractor: str | None,
                equipment_input: int | None = None, *, driver: str | None = None,
                driver_phone: str | None = None) -> int:
    equipment = {"input": equipment_input} if equipment_input else {}
    cur.execute("INSERT INTO vehicles (name, kind, plate, contractor, equipment, driver,"
                " driver_phone) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (name, kind, plate, contractor, json.dumps(equipment), driver, driver_phone))
    new_id: int = cur.fetchone()[0]
    return new_id


def add_checked_vehicle(cur: Any, new: VehicleInput) -> int:
    """A vehicle as ``dispatch.registry_input`` checked it (the admin page, the API, the CLI)."""
    return add_vehicle(cur, new.name, new.kind, new.plate, new.contractor, new.equipment_input,
                       driver=new.driver, driver_phone=new.driver_phone)


def list_vehicles(cur: Any, only: int | None = None) -> list[dict[str, Any]]:
    """The fleet (or only vehicle ``only``) without removed vehicles, each with its terminals
    (``protocol:identifier``)."""
    cur.execute("SELECT v.id, v.name, v.kind, v.plate, v.contractor, v.driver, v.driver_phone,"
                " v.equipment,"
                " coalesce((SELECT array_agg(t.protocol || ':' || t.identifier ORDER BY t.id)"
                " FROM terminals t WHERE t.vehicle_id = v.id), '{}')"
                " FROM vehicles v WHERE v.deleted_at IS NULL"
                " AND (%(only)s::bigint IS NULL OR v.id = %(only)s) ORDER BY v.id",
                {"only": only})
    keys = ("id", "name", "kind", "plate", "contractor", "driver", "driver_phone", "equipment",
            "terminals")
    return [dict(zip(keys, row, strict=True)) for row in cur.fetchall()]


def remove_vehicle(cur: Any, vehicle_id: int, by: str | None) -> bool:
    """Remove softly (its fixes and acts keep naming it) and take its terminals off it, so new
    fixes no longer land on a vehicle nobody sees; False when there is no such vehicle."""
    cur.execute("UPDATE vehicles SET deleted_at = now(), deleted_by = %s"
                " WHERE id = %s AND deleted_at IS NULL", (by, vehicle_id))
    if not cur.rowcount:
        return False
    cur.execute("UPDATE terminals SET vehicle_id = NULL WHERE vehicle_id = %s", (vehicle_id,))
    return True


def update_vehicle(cur: Any, vehicle_id: int, *, name: str | None = None,
                   kind: str | None = None, plate: str | None = None,
                   contractor: str | None = None, equipment_input: int | None = None,
                   driver: str | None = None, driver_phone: str | None = None) -> bool:
    """Change the given fields (None leaves one as it is); returns whether the vehicle exists.

    An empty ``plate``, ``contractor``, ``driver`` or ``driver_phone`` clears it;
    ``equipment_input`` 0 removes the input (other equipment keys, such as the tool, are kept).
    """
    sets: list[str] = []
    params: list[Any] = []
    for column, value in (("name", name), ("kind", kind)):
        if value is not None:
            sets.append(f"{column} = %s")
            params.append(value)
    for column, value in (("plate", plate), ("contractor", contractor), ("driver", driver),
                          ("driver_phone", driver_phone)):
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
        cur.execute("SELECT 1 FROM vehicles WHERE id = %s AND deleted_at IS NULL", (vehicle_id,))
        return cur.fetchone() is not None
    cur.execute(f"UPDATE vehicles SET {', '.join(sets)} WHERE id = %s AND deleted_at IS NULL",
                (*params, vehicle_id))
    return bool(cur.rowcount)
