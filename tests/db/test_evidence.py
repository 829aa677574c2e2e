"""The fixes behind a credited pass as an auditor reads them, against a real PostGIS."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from db import evidence
from db.terminals import add_terminal
from db.vehicles import add_vehicle
from tests.db.stored_fixes import T0, fix, store_on


def test_vehicle_card_or_none(cur: Any) -> None:
    vehicle = add_vehicle(cur, "КДМ 1", "plow", "А001АА", "ООО Снег", 2)
    assert evidence.vehicle_card(cur, vehicle) == {
        "id": vehicle, "name": "КДМ 1", "plate": "А001АА", "contractor": "ООО Снег",
        "equipment": {"input": 2}}
    assert evidence.vehicle_card(cur, vehicle + 1) is None


def test_evidence_is_every_fix_in_the_interval_with_terminal_and_distance(cur: Any) -> None:
    """Both ends of the interval count, invalid fixes too; the distance is to the route
    version named (metres, one decimal), None without one."""
    vehicle = add_vehicle(cur, "КДМ 1", "plow", None, None)
    other = add_vehicle(cur, "КДМ 2", "plow", None, None)
    terminal = add_terminal(cur, "egts", "1", None, vehicle)
    store_on(cur, terminal, vehicle, [fix(s, lat=50.55 + s * 1e-5, valid=s != 10)
                                      for s in (-10, 0, 10, 20, 30)],
             received_at=T0 + timedelta(minutes=1))
    store_on(cur, add_terminal(cur, "egts", "2", None, other), other, [fix(10)])
    cur.execute("INSERT INTO routes (name, geom) VALUES ('ул. Ленина',"
                " ST_GeomFromText('LINESTRING(137 50.55, 137.1 50.55)', 4326)) RETURNING id")
    route = cur.fetchone()[0]
    end = T0 + timedelta(seconds=20)
    found = evidence.evidence_fixes(cur, vehicle, T0, end, (route, 1))
    assert [(f["fix_time"], f["valid"], f["terminal"]) for f in found] == [
        (T0, True, "egts:1"), (T0 + timedelta(seconds=10), False, "egts:1"), (end, True, "egts:1")]
    # 11.1 m apart to the north; the route is a geodesic, bowing 0.5 m north of the parallel
    assert [f["distance_m"] for f in found] == [0.5, 10.6, 21.7]
    first = found[0]
    assert (first["received_at"], first["latitude"], first["longitude"], first["speed_kmh"],
            first["course_deg"], first["inputs"], first["black_box"]) == (
        T0 + timedelta(minutes=1), 50.55, 137.012345, 23.4, 271.0, 1, False)
    assert [f["distance_m"] for f in evidence.evidence_fixes(cur, vehicle, T0, end)] == [
        None, None, None]
