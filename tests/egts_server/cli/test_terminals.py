"""Terminal policy and registry commands: quarantine end to end, ``vehicles edit``."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2
import pytest

from db import terminals
from egts_server.cli import main as cli
from tests.conftest import start_server, stop_server
from tests.egts_terminal import EgtsTerminal

T0 = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)


def test_quarantined_terminal_is_stored_without_vehicle_and_hidden(dsn: str,
                                                                   tmp_path: Path) -> None:
    """Under "quarantine" an unknown terminal's fixes are stored with no vehicle, off the map."""
    served = start_server(dsn, tmp_path, '[intake]\nunknown_terminals = "quarantine"\n')
    try:
        terminal = EgtsTerminal(served.egts_port)
        _, result = terminal.login(555001, b"867530900000001")
        assert result.result_code == 0  # accepted, into quarantine
        pid, rns = terminal.send_fixes(555001, [
            {"time": T0 + timedelta(seconds=5 * i), "lat": 50.55, "lon": 137.0 + i * 1e-4}
            for i in range(3)])
        reply = terminal.read_reply()
        assert reply.rpid == pid and reply.confirmed == [(rn, 0) for rn in rns]
        terminal.close()
        with urllib.request.urlopen(served.base_url + "/api/vehicles", timeout=10) as r:
            assert json.load(r)["features"] == []
    finally:
        stop_server(served)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT status, vehicle_id FROM terminals WHERE identifier = '555001'")
        assert cur.fetchone() == ("quarantine", None)
        cur.execute("SELECT count(*), count(vehicle_id) FROM positions")
        assert cur.fetchone() == (3, 0)
        cur.execute("SELECT count(*) FROM vehicles")
        assert cur.fetchone() == (0,)


def test_vehicles_edit_changes_only_the_given_fields(dsn: str, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """`vehicles edit` updates name, kind, plate and equipment input; "" clears a plate."""
    monkeypatch.setenv("DATABASE_URL", dsn)
    assert cli(["vehicles", "add", "Plow 7", "--kind", "plow", "--plate", "A123BC",
                "--contractor", "Road Co"]) == 0
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM vehicles")
        (vehicle_id,) = cur.fetchone()
    assert cli(["vehicles", "edit", str(vehicle_id), "--name", "Plow 8", "--kind", "grader",
                "--plate", "", "--equipment-input", "2"]) == 0
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT name, kind, plate, contractor, equipment FROM vehicles")
        assert cur.fetchone() == ("Plow 8", "grader", None, "Road Co", {"input": 2})
    assert cli(["vehicles", "edit", str(vehicle_id), "--equipment-input", "0"]) == 0
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT equipment FROM vehicles")
        assert cur.fetchone() == ({},)
    assert cli(["vehicles", "edit", "999999", "--name", "x"]) == 1
    assert "no vehicle 999999" in capsys.readouterr().err


def test_listing_shows_the_address_each_terminal_last_logged_in_from(
        dsn: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A terminal never seen on the air has no address ("-"); a logged-in one shows its own."""
    monkeypatch.setenv("DATABASE_URL", dsn)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        terminals.admit(cur, "egts", "6001", None, {}, "quarantine", "198.51.100.4:5000")
        terminals.add_terminal(cur, "ndtp", "6002", None, None)
    conn.close()
    assert cli(["terminals", "list"]) == 0
    listed = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert [(words[1], words[-1]) for words in listed] == [
        ("egts:6001", "address=198.51.100.4:5000"), ("ndtp:6002", "address=-")]
