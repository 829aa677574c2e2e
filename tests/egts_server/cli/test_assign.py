"""``vehicles assign``: a bus is put on a route (and trip) for the GTFS-Realtime feed, or taken
off; anything else is refused with the form to use."""

from __future__ import annotations

from typing import Any

import pytest

from egts_server.cli import main


def vehicle(cur: Any, kind: str) -> int:
    cur.execute("INSERT INTO vehicles (name, kind) VALUES (%s, %s) RETURNING id",
                (f"{kind} 1", kind))
    found: int = cur.fetchone()[0]
    return found


def assignment(cur: Any, vehicle_id: int) -> tuple[Any, ...]:
    cur.execute("SELECT route_number, trip_id, route_assigned_at IS NOT NULL FROM vehicles"
                " WHERE id = %s", (vehicle_id,))
    found: tuple[Any, ...] = cur.fetchone()
    return found


EITHER = "vehicles assign: give either --route-number N or --clear"


@pytest.mark.parametrize(("args", "message"), [
    ([], EITHER),
    (["--route-number", "5", "--clear"], EITHER),
    (["--clear", "--trip", "T1"], "vehicles assign: --trip goes with --route-number"),
])
def test_the_form_is_checked_before_the_database(
        cur: Any, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    bus = vehicle(cur, "bus")
    assert main(["vehicles", "assign", str(bus), *args]) == 2
    assert capsys.readouterr() == ("", f"glonass-dispatch: {message}\n")
    assert assignment(cur, bus) == (None, None, False)


def test_a_bus_goes_on_a_route_and_trip_and_comes_off(
        cur: Any, capsys: pytest.CaptureFixture[str]) -> None:
    bus = vehicle(cur, "bus")
    assert main(["vehicles", "assign", str(bus), "--route-number", " 5 ", "--trip", "T1"]) == 0
    assert capsys.readouterr() == (f"vehicle {bus} runs route 5, trip T1\n", "")
    assert assignment(cur, bus) == ("5", "T1", True)
    assert main(["vehicles", "assign", str(bus), "--clear"]) == 0
    assert capsys.readouterr() == (f"vehicle {bus} is off its route\n", "")
    assert assignment(cur, bus) == (None, None, False)


def test_a_road_machine_is_assigned_with_a_note_and_a_missing_vehicle_is_named(
        cur: Any, capsys: pytest.CaptureFixture[str]) -> None:
    plow = vehicle(cur, "plow")
    assert main(["vehicles", "assign", str(plow), "--route-number", "7"]) == 0
    assert capsys.readouterr() == (
        f"vehicle {plow} runs route 7\n",
        f"note: vehicle {plow} is a plow; only buses appear in the GTFS-Realtime feed\n")
    assert main(["vehicles", "assign", str(plow + 1), "--route-number", "7"]) == 1
    assert capsys.readouterr() == ("", f"glonass-dispatch: no vehicle {plow + 1}\n")
