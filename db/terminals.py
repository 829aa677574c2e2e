"""Terminal registry: who may send data, and which vehicle its fixes belong to."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from dispatch.registry_input import InputError, TerminalInput

Policy = Literal["register", "quarantine", "reject"]


@dataclass(frozen=True, slots=True)
class Admission:
    """The registry's answer to a terminal that identified itself."""

    accepted: bool
    terminal_id: int | None
    vehicle_id: int | None
    status: str  # active | quarantine | blocked | unknown
    reason: str


def admit(cur: Any, protocol: str, identifier: str, imei: str | None,
          details: Mapping[str, str], policy: Policy, address: str | None) -> Admission:
    """Look the terminal up; apply the unknown-terminal policy when it is new. The login's
    time and ``address`` (host:port it connected from; None: unknown, kept) are recorded.

    ``register`` creates a vehicle named after the identifier so it shows on the map at once;
    ``quarantine`` stores its data without a vehicle (visible to admins only); ``reject`` refuses.
    """
    cur.execute("SELECT id, vehicle_id, status FROM terminals"
                " WHERE protocol = %s AND identifier = %s", (protocol, identifier))
    found = cur.fetchone()
    if found is None and imei:
        cur.execute("SELECT id, vehicle_id, status FROM terminals"
                    " WHERE protocol = %s AND imei = %s", (protocol, imei))
        found = cur.fetchone()
    if found is not None:
        terminal_id, vehicle_id, status = found
        cur.execute("UPDATE terminals SET last_login_at = now(),"
                    " last_address = coalesce(%s, last_address) WHERE id = %s",
                    (address, terminal_id))
        if status == "blocked":
            return Admission(False, terminal_id, vehicle_id, status, "terminal is blocked")
        return Admission(True, terminal_id, vehicle_id, status, "known terminal")
    if policy == "reject":
        return Admission(False, None, None, "unknown", "unknown terminal")
    vehicle_id = None
    status = "quarantine" if policy == "quarantine" else "active"
    if policy == "register":
        cur.execute("INSERT INTO vehicles (name, kind) VALUES (%s, 'other') RETURNING id",
                    (f"{protocol.upper()} {identifier}",))
        vehicle_id = cur.fetchone()[0]
    cur.execute(
        "INSERT INTO terminals (protocol, identifier, imei, vehicle_id, status, details,"
        " last_login_at, last_address) VALUES (%s, %s, %s, %s, %s, %s, now(), %s)"
        " ON CONFLICT (protocol, identifier) DO UPDATE SET last_login_at = now(),"
        " last_address = coalesce(excluded.last_address, terminals.last_address)"
        " RETURNING id, vehicle_id, status",
        (protocol, identifier, imei, vehicle_id, status, json.dumps(dict(details)), address))
    terminal_id, vehicle_id, status = cur.fetchone()
    return Admission(True, terminal_id, vehicle_id, status, f"new terminal ({policy})")


def add_terminal(cur: Any, protocol: str, identifier: str, imei: str | None,
                 vehicle_id: int | None) -> int:
    cur.execute("INSERT INTO terminals (protocol, identifier, imei, vehicle_id)"
                " VALUES (%s, %s, %s, %s) RETURNING id", (protocol, identifier, imei, vehicle_id))
    new_id: int = cur.fetchone()[0]
    return new_id


def register_terminal(cur: Any, terminal: TerminalInput, vehicle_id: int | None) -> int:
    """Add a checked terminal; InputError when it is already registered or the vehicle is not
    in the fleet (the same words for the page, the API and the CLI)."""
    if find_terminal(cur, terminal.protocol, terminal.identifier) is not None:
        raise InputError("identifier", f"терминал {terminal.protocol}:{terminal.identifier} "
                                       "уже зарегистрирован")
    check_vehicle_exists(cur, vehicle_id)
    return add_terminal(cur, terminal.protocol, terminal.identifier, terminal.imei, vehicle_id)


def assign_terminal(cur: Any, terminal_id: int, vehicle_id: int | None) -> bool:
    """Fit the terminal to a vehicle (None: to none); False when there is no such terminal."""
    check_vehicle_exists(cur, vehicle_id)
    cur.execute("UPDATE terminals SET vehicle_id = %s WHERE id = %s", (vehicle_id, terminal_id))
    return bool(cur.rowcount)


def check_vehicle_exists(cur: Any, vehicle_id: int | None) -> None:
    if vehicle_id is None:
        return
    cur.execute("SELECT 1 FROM vehicles WHERE id = %s AND deleted_at IS NULL", (vehicle_id,))
    if cur.fetchone() is None:
        raise InputError("vehicle_id", f"нет машины № {vehicle_id}")


def list_terminals(cur: Any, only: int | None = None) -> list[dict[str, Any]]:
    """Every terminal (or only terminal ``only``) with its vehicle's name, last login and the
    address it came from."""
    cur.execute("SELECT t.id, t.protocol, t.identifier, t.imei, t.status, t.vehicle_id, v.name,"
                " t.last_login_at, t.last_address"
                " FROM terminals t LEFT JOIN vehicles v ON v.id = t.vehicle_id"
                " WHERE %(only)s::bigint IS NULL OR t.id = %(only)s ORDER BY t.id",
                {"only": only})
    keys = ("id", "protocol", "identifier", "imei", "status", "vehicle_id", "vehicle",
            "last_login_at", "last_address")
    return [dict(zip(keys, row, strict=True)) for row in cur.fetchall()]


def terminal_protocol(cur: Any, terminal_id: int) -> str | None:
    """The protocol terminal ``terminal_id`` speaks; None when there is no such terminal."""
    cur.execute("SELECT protocol FROM terminals WHERE id = %s", (terminal_id,))
    row = cur.fetchone()
    return str(row[0]) if row is not None else None


def find_terminal(cur: Any, protocol: str, identifier: str) -> int | None:
    """The id of the terminal known by ``identifier`` (or by that IMEI) in ``protocol``."""
    cur.execute("SELECT id FROM terminals WHERE protocol = %s AND (identifier = %s OR imei = %s)"
                " ORDER BY identifier = %s DESC LIMIT 1",
                (protocol, identifier, identifier, identifier))
    row = cur.fetchone()
    return int(row[0]) if row is not None else None


def remove_terminal(cur: Any, protocol: str, identifier: str) -> bool:
    cur.execute("DELETE FROM terminals WHERE protocol = %s AND identifier = %s",
                (protocol, identifier))
    return bool(cur.rowcount)


def remove_terminal_by_id(cur: Any, terminal_id: int) -> bool:
    """Forget the terminal (its stored fixes stay, they name the terminal by id)."""
    cur.execute("DELETE FROM terminals WHERE id = %s", (terminal_id,))
    return bool(cur.rowcount)
