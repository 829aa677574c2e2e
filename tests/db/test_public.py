"""The city's public map reads only what may be shown, and vehicles only with a delay."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from db import public
from db.terminals import add_terminal
from db.vehicles import add_vehicle
from tests.db.stored_fixes import T0, fix, store_on

MINUTE = timedelta(minutes=1)


def test_each_vehicle_shows_its_last_valid_fix_up_to_the_delayed_moment(cur: Any) -> None:
    """Newer fixes than ``as_of``, invalid ones and those older than the window are hidden."""
    plough = add_vehicle(cur, "КДМ 1", "plow", "А001АА", None)
    store_on(cur, add_terminal(cur, "egts", "1", None, plough), plough,
             [fix(0, lat=50.1), fix(60, lat=50.2), fix(120, lat=50.3, valid=False),
              fix(600, lat=50.4)])
    stale = add_vehicle(cur, "Давно", "grader", None, None)
    store_on(cur, add_terminal(cur, "egts", "2", None, stale), stale, [fix(-3600)])
    shown = public.delayed_vehicles(cur, T0 + 5 * MINUTE, 30 * MINUTE)
    assert shown == [{"kind": "plow", "latitude": 50.2, "longitude": 137.012345,
                      "fix_time": T0 + MINUTE}]
    assert public.delayed_vehicles(cur, T0 + MINUTE, MINUTE) == [
        {"kind": "plow", "latitude": 50.2, "longitude": 137.012345, "fix_time": T0 + MINUTE}]


def test_public_marks_are_the_public_ones_still_in_force(cur: Any) -> None:
    rows = (("в силе", True, "open", None), ("свой", False, "open", None),
            ("решено", True, "resolved", None), ("истекла", True, "open", "-1 hour"),
            ("до завтра", True, "in_progress", "1 day"), ("удалена", True, "open", None))
    for text, is_public, status, valid_for in rows:
        cur.execute("INSERT INTO marks (layer, geom, text, public, status, valid_to)"
                    " VALUES ('roads', ST_GeomFromText('POINT(137.12345678 50.5)', 4326),"
                    " %s, %s, %s, now() + %s::interval)", (text, is_public, status, valid_for))
    cur.execute("UPDATE marks SET deleted_at = now() WHERE text = 'удалена'")
    shown = public.public_marks(cur)
    assert [(m["text"], m["status"], m["valid_to"] is None) for m in shown] == [
        ("в силе", "open", True), ("до завтра", "in_progress", False)]
    assert shown[0]["layer"] == "roads"
    assert shown[0]["geometry"] == {"type": "Point", "coordinates": [137.123457, 50.5]}
