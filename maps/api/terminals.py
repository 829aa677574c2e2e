"""``/api/terminals`` (admins): the registry, and commands to a terminal.

* ``GET  /api/terminals``: every terminal, its vehicle and last login;
* ``POST /api/terminals``: ``{"protocol", "identifier", "imei"?, "vehicle_id"?}`` registers one
  (201; ``dispatch.registry_input`` checks it, a refusal is a 400 naming the field);
* ``PUT  /api/terminals/{id}``: ``{"vehicle_id": N | null}`` fits it to a vehicle (or to none);
* ``DELETE /api/terminals/{id}``: forgets it (its stored fixes stay);
* ``GET  /api/terminals/{id}/commands``: its latest commands, newest first;
* ``POST /api/terminals/{id}/commands``: queue one (``egts_server.commands`` for the forms);
  201 with the command, which then moves queued → sent → delivered → confirmed | failed;
* ``GET  /api/terminals/{id}/commands/{command_id}``: one, to follow it;
* ``DELETE /api/terminals/{id}/commands/{command_id}``: withdraw one that has not gone out.

``{id}`` is the registry id (``GET /api/terminals``) or ``protocol:identifier``
(``egts:1001``, or an IMEI in place of the TID).
"""

from __future__ import annotations

from typing import Any

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.web.server import Request

from db import commands as queue
from db import terminals as registry
from dispatch.registry_input import InputError, TerminalInput, check_terminal
from egts_server.commands import CommandError, check_protocol, parse_command
from egts_server.model import CommandSpec
from maps.api.json_resource import ApiError, JsonResource, Reply, read_json, read_json_object
from maps.auth.actor import on_behalf_of
from maps.auth.gate import current_login


class TerminalsResource(JsonResource):
    def __init__(self, pool: adbapi.ConnectionPool, default_ttl_s: float) -> None:
        super().__init__()
        self._pool = pool
        self._default_ttl_s = default_ttl_s

    def get(self, request: Request) -> Deferred[Any]:
        terminal, command_id = _path(request)
        if terminal is None:
            rows: Deferred[list[dict[str, Any]]] = self._pool.runInteraction(
                registry.list_terminals)
            return rows.addCallback(lambda found: [_terminal_view(t) for t in found])
        d: Deferred[Any]
        if command_id is None:
            d = self._pool.runInteraction(_commands_of, terminal)
        else:
            d = self._pool.runInteraction(_command_or_404, terminal, command_id)
        return d

    def post(self, request: Request) -> Deferred[Any]:
        terminal, command_id = _path(request)
        if terminal is None:
            body = read_json_object(request)
            checked = check_terminal(_text(body, "protocol"), _text(body, "identifier"),
                                     _text(body, "imei") or None)
            added: Deferred[dict[str, Any]] = self._pool.runInteraction(
                on_behalf_of(request, _register), checked, _vehicle_id(body))
            return added.addCallback(lambda view: Reply(201, view))
        if command_id is not None or _is_terminal_itself(request):
            raise ApiError(405, "команда терминалу: POST /api/terminals/{id}/commands")
        try:
            spec = parse_command(read_json(request))
        except CommandError as e:
            raise ApiError(400, e.message, {"field": e.field}) from e
        by = current_login(request)
        ttl = spec.ttl_s if spec.ttl_s is not None else self._default_ttl_s
        d: Deferred[dict[str, Any]] = self._pool.runInteraction(
            on_behalf_of(request, _enqueue), terminal, spec, ttl, by)
        return d.addCallback(lambda command: Reply(201, command))

    def put(self, request: Request) -> Deferred[Any]:
        terminal, _ = _path(request)
        if terminal is None or not _is_terminal_itself(request):
            raise ApiError(405, "машина терминала: PUT /api/terminals/{id}")
        vehicle_id = _vehicle_id(read_json_object(request))
        d: Deferred[dict[str, Any]] = self._pool.runInteraction(
            on_behalf_of(request, _assign), terminal, vehicle_id)
        return d

    def delete(self, request: Request) -> Deferred[Any]:
        terminal, command_id = _path(request)
        if terminal is not None and _is_terminal_itself(request):
            removed: Deferred[None] = self._pool.runInteraction(on_behalf_of(request, _remove),
                                                                terminal)
            return removed.addCallback(lambda _: Reply(204))
        if terminal is None or command_id is None:
            raise ApiError(405, "DELETE /api/terminals/{id}/commands/{command_id}")
        d: Deferred[Any] = self._pool.runInteraction(on_behalf_of(request, _cancel),
                                                     terminal, command_id)
        return d.addCallback(lambda _: Reply(204))


def _path(request: Request) -> tuple[str | None, int | None]:
    """(terminal, command id) from ``/api/terminals[/{id}/commands[/{command_id}]]``."""
    parts = [p.decode("utf-8", "replace") for p in (request.postpath or []) if p]
    if not parts:
        return None, None
    if len(parts) > 1 and (parts[1] != "commands" or len(parts) > 3):
        raise ApiError(404, "no such resource: use /api/terminals/{id}/commands")
    if len(parts) <= 2:
        return parts[0], None
    try:
        return parts[0], int(parts[2])
    except ValueError as e:
        raise ApiError(400, "the command id must be an integer", parts[2]) from e


def _is_terminal_itself(request: Request) -> bool:
    """Whether the path names the terminal itself, not its commands."""
    return len([p for p in (request.postpath or []) if p]) == 1


def _text(body: dict[str, Any], field: str) -> str:
    value = body.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(field, "ожидается строка")
    return value


def _vehicle_id(body: dict[str, Any]) -> int | None:
    value = body.get("vehicle_id")
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError("vehicle_id", "номер машины — целое число")
    return value


def _register(cur: Any, terminal: TerminalInput, vehicle_id: int | None) -> dict[str, Any]:
    return _view_of(cur, registry.register_terminal(cur, terminal, vehicle_id))


def _assign(cur: Any, terminal: str, vehicle_id: int | None) -> dict[str, Any]:
    terminal_id, _ = _resolve(cur, terminal)
    registry.assign_terminal(cur, terminal_id, vehicle_id)
    return _view_of(cur, terminal_id)


def _remove(cur: Any, terminal: str) -> None:
    registry.remove_terminal_by_id(cur, _resolve(cur, terminal)[0])


def _view_of(cur: Any, terminal_id: int) -> dict[str, Any]:
    return _terminal_view(registry.list_terminals(cur, only=terminal_id)[0])


def _resolve(cur: Any, terminal: str) -> tuple[int, str]:
    """(registry id, protocol) of the terminal a path names: its id, or protocol:identifier."""
    terminal_id: int | None
    protocol: str | None
    if terminal.isdigit():
        terminal_id = int(terminal)
        protocol = registry.terminal_protocol(cur, terminal_id) if terminal_id else None
    else:  # the path names the protocol; the lookup only finds a terminal that speaks it
        protocol, _, identifier = terminal.partition(":")
        terminal_id = registry.find_terminal(cur, protocol, identifier) if identifier else None
    if terminal_id is None or protocol is None:
        raise ApiError(404, "нет такого терминала (укажите его номер или протокол:идентификатор)",
                       terminal)
    return terminal_id, protocol


def _terminal_view(t: dict[str, Any]) -> dict[str, Any]:
    last = t["last_login_at"]
    return {**t, "last_login_at": last.isoformat() if last is not None else None}


def _enqueue(cur: Any, terminal: str, spec: CommandSpec, ttl_s: float,
             by: str | None) -> dict[str, Any]:
    terminal_id, protocol = _resolve(cur, terminal)
    try:
        check_protocol(spec, protocol)
    except CommandError as e:
        if e.field == "terminal":
            raise ApiError(409, f"{e.message}: terminal {terminal} speaks {protocol}",
                           terminal) from e
        raise ApiError(400, str(e), {"field": e.field}) from e
    return queue.enqueue(cur, terminal_id, spec, ttl_s, by)


def _commands_of(cur: Any, terminal: str) -> list[dict[str, Any]]:
    return queue.list_commands(cur, _resolve(cur, terminal)[0])


def _command_or_404(cur: Any, terminal: str, command_id: int) -> dict[str, Any]:
    terminal_id, _ = _resolve(cur, terminal)
    command = queue.get_command(cur, command_id)
    if command is None or command["terminal_id"] != terminal_id:
        raise ApiError(404, "no such command of this terminal", command_id)
    return command


def _cancel(cur: Any, terminal: str, command_id: int) -> None:
    command = _command_or_404(cur, terminal, command_id)
    if not queue.cancel(cur, command_id):
        raise ApiError(409, f"command {command_id} is {command['status']}; only a queued "
                            "command can be withdrawn", command_id)
