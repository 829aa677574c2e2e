"""The terminal registry in PostGIS: admission of a terminal that logs in, and its upkeep."""

from __future__ import annotations

from typing import Any

import pytest

from db import terminals
from db.terminals import Admission
from db.vehicles import add_vehicle, remove_vehicle
from dispatch.registry_input import InputError, TerminalInput


def login_and_address(cur: Any, terminal_id: int) -> tuple[bool, str | None]:
    cur.execute("SELECT last_login_at IS NOT NULL, last_address FROM terminals WHERE id = %s",
                (terminal_id,))
    row: tuple[bool, str | None] = cur.fetchone()
    return row


def test_a_known_terminal_is_admitted_by_identifier_or_imei(cur: Any) -> None:
    """Its login is recorded; an unknown address keeps the one known before."""
    vehicle = add_vehicle(cur, "КДМ 1", "plow", None, None)
    terminal = terminals.add_terminal(cur, "egts", "77", "356307042441013", vehicle)
    assert login_and_address(cur, terminal) == (False, None)
    known = Admission(True, terminal, vehicle, "active", "known terminal")
    assert terminals.admit(cur, "egts", "77", None, {}, "reject", "10.0.0.7:5000") == known
    assert login_and_address(cur, terminal) == (True, "10.0.0.7:5000")
    assert terminals.admit(cur, "egts", "1", "356307042441013", {}, "reject", None) == known
    assert login_and_address(cur, terminal) == (True, "10.0.0.7:5000")
    assert terminals.admit(cur, "ndtp", "77", None, {}, "reject", None).accepted is False


def test_a_blocked_terminal_is_refused(cur: Any) -> None:
    terminal = terminals.add_terminal(cur, "egts", "77", None, None)
    cur.execute("UPDATE terminals SET status = 'blocked'")
    assert terminals.admit(cur, "egts", "77", None, {}, "register", None) == Admission(
        False, terminal, None, "blocked", "terminal is blocked")


def test_an_unknown_terminal_meets_the_policy(cur: Any) -> None:
    """``reject`` stores nothing; ``quarantine`` a terminal without a vehicle; ``register``
    a terminal with a vehicle named after it."""
    assert terminals.admit(cur, "egts", "1", None, {}, "reject", None) == Admission(
        False, None, None, "unknown", "unknown terminal")
    assert terminals.list_terminals(cur) == []
    held = terminals.admit(cur, "egts", "2", "356307042441013", {"hdid": "5"}, "quarantine",
                           "10.0.0.8:1")
    assert (held.accepted, held.vehicle_id, held.status, held.reason) == (
        True, None, "quarantine", "new terminal (quarantine)")
    registered = terminals.admit(cur, "ndtp", "3", None, {}, "register", None)
    assert (registered.accepted, registered.status, registered.reason) == (
        True, "active", "new terminal (register)")
    listed = terminals.list_terminals(cur)
    assert [(t["id"], t["protocol"], t["identifier"], t["imei"], t["status"], t["vehicle_id"],
             t["vehicle"], t["last_address"]) for t in listed] == [
        (held.terminal_id, "egts", "2", "356307042441013", "quarantine", None, None,
         "10.0.0.8:1"),
        (registered.terminal_id, "ndtp", "3", None, "active", registered.vehicle_id, "NDTP 3",
         None)]
    cur.execute("SELECT kind FROM vehicles")
    assert cur.fetchall() == [("other",)]
    cur.execute("SELECT details FROM terminals WHERE id = %s", (held.terminal_id,))
    assert cur.fetchone() == ({"hdid": "5"},)


def test_registration_refuses_a_second_terminal_and_a_missing_vehicle(cur: Any) -> None:
    vehicle = add_vehicle(cur, "КДМ 1", "plow", None, None)
    removed = add_vehicle(cur, "Списан", "plow", None, None)
    remove_vehicle(cur, removed, None)
    first = terminals.register_terminal(cur, TerminalInput("egts", "77", None), vehicle)
    assert terminals.list_terminals(cur, only=first)[0]["vehicle"] == "КДМ 1"
    with pytest.raises(InputError, match="терминал egts:77 уже зарегистрирован") as refused:
        terminals.register_terminal(cur, TerminalInput("egts", "77", None), None)
    assert refused.value.field == "identifier"
    for missing in (removed, removed + 1):
        with pytest.raises(InputError, match=f"нет машины № {missing}") as refused:
            terminals.register_terminal(cur, TerminalInput("egts", "78", None), missing)
        assert refused.value.field == "vehicle_id"
    assert [t["id"] for t in terminals.list_terminals(cur)] == [first]


def test_a_terminal_is_fitted_to_a_vehicle_or_taken_off(cur: Any) -> None:
    vehicle = add_vehicle(cur, "КДМ 1", "plow", None, None)
    terminal = terminals.add_terminal(cur, "egts", "77", None, None)
    assert terminals.assign_terminal(cur, terminal, vehicle)
    assert terminals.list_terminals(cur)[0]["vehicle_id"] == vehicle
    assert terminals.assign_terminal(cur, terminal, None)
    assert terminals.list_terminals(cur)[0]["vehicle_id"] is None
    assert not terminals.assign_terminal(cur, terminal + 1, None)
    with pytest.raises(InputError):
        terminals.assign_terminal(cur, terminal, vehicle + 1)


def test_lookups_prefer_the_identifier_to_an_imei(cur: Any) -> None:
    by_imei = terminals.add_terminal(cur, "egts", "1", "356307042441013", None)
    by_identifier = terminals.add_terminal(cur, "egts", "356307042441013", None, None)
    assert terminals.find_terminal(cur, "egts", "356307042441013") == by_identifier
    assert terminals.find_terminal(cur, "egts", "1") == by_imei
    assert terminals.find_terminal(cur, "ndtp", "1") is None
    assert terminals.terminal_protocol(cur, by_imei) == "egts"
    assert terminals.terminal_protocol(cur, by_identifier + 1) is None


def test_removal_by_name_or_id(cur: Any) -> None:
    first = terminals.add_terminal(cur, "egts", "1", None, None)
    second = terminals.add_terminal(cur, "ndtp", "1", None, None)
    assert terminals.remove_terminal(cur, "egts", "1")
    assert not terminals.remove_terminal(cur, "egts", "1")
    assert [t["id"] for t in terminals.list_terminals(cur)] == [second]
    assert terminals.remove_terminal_by_id(cur, second)
    assert not terminals.remove_terminal_by_id(cur, first)
    assert terminals.list_terminals(cur) == []
