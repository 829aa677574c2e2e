"""``glonass-dispatch routes list --deleted`` and ``routes restore`` against the test database."""

from __future__ import annotations

import psycopg2
import pytest

from db import routes as store
from dispatch.routes import Route
from egts_server.cli import main


def test_a_deleted_route_is_listed_as_deleted_and_restored(
        dsn: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", dsn)
    monkeypatch.delenv("GLONASS_DISPATCH_CONFIG", raising=False)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        route_id = store.insert_route(cur, Route(
            id=None, name="ул. Ленина", coordinates=((137.0, 50.55), (137.01, 50.55))))
        store.delete_route(cur, route_id)
    conn.close()

    assert main(["routes", "list"]) == 0
    assert "ул. Ленина" not in capsys.readouterr().out
    assert main(["routes", "list", "--deleted"]) == 0
    [_, row] = capsys.readouterr().out.splitlines()
    assert row.split()[:4] == [str(route_id), "ул.", "Ленина", "1"]
    assert row.endswith("(-)")

    assert main(["routes", "restore", str(route_id)]) == 0
    assert capsys.readouterr().out == f"route {route_id} restored\n"
    assert main(["routes", "list", "--deleted"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert main(["routes", "restore", str(route_id)]) == 1
    assert "no route" in capsys.readouterr().err
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT action, actor FROM audit_log WHERE kind = 'route' ORDER BY id")
        trail = cur.fetchall()
    conn.close()
    assert trail[-1][0] == "restore" and trail[-1][1].startswith("cli:")
