"""``/api/acts/{id}`` and ``/api/acts/{id}/diff`` over the served process."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import psycopg2
import pytest

from db import routes as route_db
from egts_server.cli import main
from tests.conftest import Served
from tests.dispatch.synthetic import T0, Drive, street
from tests.dispatch_support import SignedIn, empty_dispatch_tables
from tests.egts_server.cli.test_dispatch_coverage import WINDOW, store_drive
from tests.maps.auth.test_sign_in import call


def get(served: Served, path: str, status: int = 200) -> Any:
    got, _, raw = call(served, "GET", path)
    assert got == status, raw
    return json.loads(raw)


def test_an_act_is_served_as_sealed_and_compared_with_late_data(
        module_server: SignedIn, monkeypatch: pytest.MonkeyPatch) -> None:
    served, dsn = module_server.served, module_server.dsn
    empty_dispatch_tables(dsn)
    monkeypatch.setenv("DATABASE_URL", dsn)
    monkeypatch.delenv("GLONASS_DISPATCH_CONFIG", raising=False)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO vehicles (name, kind, contractor, equipment) VALUES"
                    " ('КДМ 007', 'plow', 'МУП', '{\"input\": 1, \"tool\": \"blade\"}')"
                    " RETURNING id")
        vehicle_id = cur.fetchone()[0]
        route_id = route_db.insert_route(cur, street(0, ((0.0, 0.0), (1000.0, 0.0)),
                                                     name="ул. Ленина"))
    conn.close()
    assert main(["coverage", "--all", *WINDOW, "--save", "-q", "-o", "/dev/null"]) == 0

    act = get(served, "/api/acts/1")
    assert (act["id"], act["intact"], act["route_versions"]) == (
        1, True, [{"id": route_id, "version": 1}])
    assert act["document"]["routes"][0]["state_m"]["not_served"] == pytest.approx(1000, abs=1)
    assert get(served, "/api/acts/1/diff")["changed"] is False

    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        store_drive(cur, vehicle_id, Drive(7, [(-60.0, 0.0), (1060.0, 0.0)],
                                           start=T0 + timedelta(minutes=10)), black_box=True)
    conn.close()
    diff = get(served, "/api/acts/1/diff")
    assert (diff["act"], diff["content_hash"], diff["changed"]) == (
        1, act["content_hash"], True)
    [route] = diff["routes"]
    one_way_of_two = [("not_served", "partial")]
    assert [(s["before"], s["after"]) for s in route["stretches"]] == one_way_of_two
    assert get(served, "/api/acts/1")["document"] == act["document"]
    get(served, "/api/acts/2", status=404)
    get(served, "/api/acts/1/other", status=404)
