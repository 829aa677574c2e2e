"""Evidence over the served process: every pass links to exactly the fixes it was made of."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import psycopg2

from db import routes as route_db
from tests.conftest import Served
from tests.dispatch.synthetic import T0, Drive, street
from tests.dispatch_support import SignedIn, empty_dispatch_tables
from tests.egts_server.cli.test_dispatch_coverage import store_drive
from tests.maps.auth.test_sign_in import call

WINDOW = (f"from={quote((T0 - timedelta(minutes=5)).isoformat())}"
          f"&to={quote((T0 + timedelta(hours=2)).isoformat())}")


def fetch(served: Served, path: str, status: int = 200) -> tuple[dict[str, str], bytes]:
    got, headers, raw = call(served, "GET", path)
    assert got == status, raw
    return headers, raw


def test_a_pass_links_to_its_fixes_as_geojson_and_csv(module_server: SignedIn) -> None:
    served, dsn = module_server.served, module_server.dsn
    empty_dispatch_tables(dsn)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO vehicles (name, kind, plate, contractor, equipment) VALUES"
                    " ('КДМ 007', 'plow', 'А123ВС27', '=МУП', '{\"input\": 1}') RETURNING id")
        vehicle_id = cur.fetchone()[0]
        cur.execute("INSERT INTO terminals (protocol, identifier, vehicle_id)"
                    " VALUES ('egts', '1007', %s) RETURNING id", (vehicle_id,))
        store_drive(cur, vehicle_id, Drive(7, [(-60.0, 0.0), (1060.0, 0.0)]),
                    terminal_id=cur.fetchone()[0])
        route_id = route_db.insert_route(cur, street(0, ((0.0, 0.0), (1000.0, 0.0)),
                                                     name="ул. Ленина"))
    conn.close()

    document = json.loads(fetch(served, f"/api/routes/{route_id}/coverage?{WINDOW}")[1])
    runs = [r for f in document["features"] for r in f["properties"]["evidence"]["passes"]]
    assert runs and {r["vehicle_id"] for r in runs} == {vehicle_id}
    run = runs[0]
    assert run["fixes_url"].startswith(f"/api/evidence?vehicle={vehicle_id}&from=")
    assert run["fixes_url"].endswith(f"&route={route_id}&version=1")

    evidence = json.loads(fetch(served, run["fixes_url"])[1])
    assert evidence["vehicle"] == {"id": vehicle_id, "name": "КДМ 007", "plate": "А123ВС27",
                                   "contractor": "=МУП"}
    assert evidence["route"] == {"id": route_id, "version": 1}
    assert evidence["count"] == run["fixes"] == len(evidence["features"])
    first, last = evidence["features"][0]["properties"], evidence["features"][-1]["properties"]
    assert (first["fix_time"], last["fix_time"]) == (run["first_fix"], run["last_fix"])
    assert {f["properties"]["terminal"] for f in evidence["features"]} == {"egts:1007"}
    assert {f["properties"]["equipment_active"] for f in evidence["features"]} == {True}
    assert {f["properties"]["black_box"] for f in evidence["features"]} == {False}
    distances = [f["properties"]["distance_m"] for f in evidence["features"]]
    assert max(distances[2:-2]) < 1.0  # on the line; the first and last may lie past its ends
    assert all(f["properties"]["received_at"] for f in evidence["features"])

    headers, raw = fetch(served, run["fixes_url"] + "&format=csv")
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    text = raw.decode("utf-8")
    assert text.startswith("\ufeffВремя фиксации;Время поступления;")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 1 + run["fixes"]
    assert rows[1][0].endswith("(+10:00)") and rows[1][10] == "работает"
    assert rows[1][12:16] == ["egts:1007", "КДМ 007", "А123ВС27", "'=МУП"]

    fetch(served, "/api/evidence?vehicle=999&" + WINDOW, status=404)
    fetch(served, f"/api/evidence?vehicle={vehicle_id}", status=400)
    fetch(served, f"/api/evidence?vehicle={vehicle_id}&{WINDOW}&format=xls", status=400)


def test_evidence_answers_only_the_interval_asked(module_server: SignedIn) -> None:
    served, dsn = module_server.served, module_server.dsn
    empty_dispatch_tables(dsn)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO vehicles (name) VALUES ('Грейдер') RETURNING id")
        vehicle_id = cur.fetchone()[0]
        store_drive(cur, vehicle_id, Drive(8, [(0.0, 0.0), (500.0, 0.0)], interval_s=10.0),
                    black_box=True)
    conn.close()
    start, end = T0 + timedelta(seconds=10), T0 + timedelta(seconds=30)
    path = (f"/api/evidence?vehicle={vehicle_id}&from={quote(start.isoformat())}"
            f"&to={quote(end.isoformat())}")
    body: Any = json.loads(fetch(served, path)[1])
    assert [f["properties"]["fix_time"] for f in body["features"]] == [
        (T0 + timedelta(seconds=s)).isoformat() for s in (10, 20, 30)]
    assert {f["properties"]["black_box"] for f in body["features"]} == {True}
    assert {f["properties"]["distance_m"] for f in body["features"]} == {None}
    assert body["route"] is None
