"""``/api/fleet`` (admins): the vehicle registry, as ``/admin/vehicles`` edits it.

* ``GET /api/fleet``: every vehicle not removed, with its terminals;
* ``POST /api/fleet``: ``{"name", "kind", "plate"?, "contractor"?, "equipment_input"?,
  "driver"?, "driver_phone"?}`` (201);
* ``PUT /api/fleet/{id}``: any of those fields (an empty plate, contractor, driver or driver's
  phone clears it, equipment input 0 removes it);
* ``DELETE /api/fleet/{id}``: removes it softly (204): its fixes, coverage and acts keep it.

``dispatch.registry_input`` checks every field, so a refusal is a 400 whose detail names the
field, in the words the CLI uses. The live state stays at ``/api/vehicles``; every change
enters the audit trail as made by the signed-in admin.
"""

from __future__ import annotations

from typing import Any

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.web.server import Request

from db import vehicles as registry
from dispatch.registry_input import VehicleInput, check_new_vehicle, check_vehicle_changes
from maps.api.json_resource import ApiError, JsonResource, Reply, path_id, read_json_object
from maps.auth.actor import on_behalf_of, request_actor


class FleetResource(JsonResource):
    def __init__(self, pool: adbapi.ConnectionPool) -> None:
        super().__init__()
        self._pool = pool

    def get(self, request: Request) -> Deferred[Any]:
        if path_id(request) is not None:
            raise ApiError(405, "список машин: GET /api/fleet")
        found: Deferred[list[dict[str, Any]]] = self._pool.runInteraction(
            registry.list_vehicles)
        return found

    def post(self, request: Request) -> Deferred[Any]:
        if path_id(request) is not None:
            raise ApiError(405, "новая машина: POST /api/fleet")
        new = check_new_vehicle(read_json_object(request))
        added: Deferred[dict[str, Any]] = self._pool.runInteraction(
            on_behalf_of(request, _add), new)
        return added.addCallback(lambda vehicle: Reply(201, vehicle))

    def put(self, request: Request) -> Deferred[Any]:
        vehicle_id = _required_id(request)
        changes = check_vehicle_changes(read_json_object(request))
        if not changes:
            raise ApiError(400, "укажите, что изменить: name, kind, plate, contractor, "
                                "equipment_input, driver или driver_phone", {"field": "body"})
        changed: Deferred[dict[str, Any]] = self._pool.runInteraction(
            on_behalf_of(request, _change), vehicle_id, changes)
        return changed

    def delete(self, request: Request) -> Deferred[Any]:
        vehicle_id = _required_id(request)
        removed: Deferred[None] = self._pool.runInteraction(
            on_behalf_of(request, _remove), vehicle_id, request_actor(request).login)
        return removed.addCallback(lambda _: Reply(204))


def _required_id(request: Request) -> int:
    vehicle_id = path_id(request)
    if vehicle_id is None:
        raise ApiError(405, "укажите машину: /api/fleet/{номер}")
    return vehicle_id


def _vehicle(cur: Any, vehicle_id: int) -> dict[str, Any]:
    found = registry.list_vehicles(cur, only=vehicle_id)
    if not found:
        raise ApiError(404, f"нет машины № {vehicle_id}", {"field": "id"})
    return found[0]


def _add(cur: Any, new: VehicleInput) -> dict[str, Any]:
    return _vehicle(cur, registry.add_checked_vehicle(cur, new))


def _change(cur: Any, vehicle_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    if not registry.update_vehicle(cur, vehicle_id, **changes):
        raise ApiError(404, f"нет машины № {vehicle_id}", {"field": "id"})
    return _vehicle(cur, vehicle_id)


def _remove(cur: Any, vehicle_id: int, by: str | None) -> None:
    if not registry.remove_vehicle(cur, vehicle_id, by):
        raise ApiError(404, f"нет машины № {vehicle_id}", {"field": "id"})
