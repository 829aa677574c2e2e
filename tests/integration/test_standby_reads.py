"""Reads from a real streaming standby (pg_basebackup -R of the test cluster): the API reads
what the standby has replayed, goes back to the primary when the standby falls behind or goes
away, and returns to the standby once it has caught up."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from tests.conftest import Served, start_server, stop_server
from tests.egts_terminal import EgtsTerminal
from tests.integration.test_auth import add_user, call, sign_in
from tests.integration.test_egts_intake import fix, get_json
from tests.prometheus import scrape
from tests.reliability.harness import wait_until
from tests.replication import StandbyCluster

pytestmark = pytest.mark.postgis


@pytest.fixture()
def served(dsn: str, standby: StandbyCluster, tmp_path: Path) -> Iterator[Served]:
    """A server reading from the standby, giving up on it past five seconds of lag."""
    standby.start()
    standby.psql("SELECT pg_wal_replay_resume()")
    server = start_server(dsn, tmp_path, f"[database]\nread_url = \"{standby.dsn()}\"\n"
                                         "read_max_lag_s = 5.0\n")
    yield server
    stop_server(server)


def vehicle_names(served: Served) -> list[str]:
    return [f["properties"]["name"] for f in get_json(served, "/api/vehicles")["features"]]


def metric(node: Served, name: str) -> float:
    return scrape(node.http_port)[name]


def fresh_commit_replayed(dsn: str, standby: StandbyCluster) -> None:
    """Commit a transaction on the primary and wait until the standby has replayed it."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT txid_current(), pg_current_wal_lsn()")
        lsn = cur.fetchone()[1]
    conn.close()
    wait_until(lambda: standby.psql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'").strip()
               == "t", 20, "the standby replayed the commit")


def drive(served: Served, tid: int) -> None:
    """A terminal logs in and one fix of it is acknowledged (committed on the primary)."""
    terminal = EgtsTerminal(served.egts_port)
    assert terminal.login(tid, None)[1].result_code == 0
    terminal.send_fixes(tid, [fix(0)])
    assert terminal.read_reply().confirmed == [(1, 0)]
    terminal.close()


def test_reads_follow_the_standby_and_fall_back_while_it_lags(
        served: Served, standby: StandbyCluster) -> None:
    """While the standby replays, the API shows what it replayed; with replay paused a new
    vehicle stays unseen until the lag passes read_max_lag_s and reads go to the primary; once
    replay resumes, reads return to the standby."""
    wait_until(lambda: metric(served, "glonass_database_reads_from_standby") == 1,
               20, "reads on the standby")
    drive(served, 7301)
    wait_until(lambda: vehicle_names(served) == ["EGTS 7301"], 20, "replayed vehicle shown")

    fresh_commit_replayed(served.dsn, standby)  # the lag is counted from the last replay
    standby.psql("SELECT pg_wal_replay_pause()")
    drive(served, 7302)
    assert vehicle_names(served) == ["EGTS 7301"]  # still what the standby has replayed
    wait_until(lambda: metric(served, "glonass_database_reads_from_standby") == 0,
               20, "fallback to the primary")
    assert vehicle_names(served) == ["EGTS 7301", "EGTS 7302"]
    assert metric(served, "glonass_database_standby_lag_seconds") > 5.0
    assert metric(served, "glonass_database_read_fallbacks") == 1
    assert "reads go to the primary: the standby is" in served.log_path.read_text()

    standby.psql("SELECT pg_wal_replay_resume()")
    wait_until(lambda: metric(served, "glonass_database_reads_from_standby") == 1,
               20, "back on the standby")
    assert vehicle_names(served) == ["EGTS 7301", "EGTS 7302"]
    assert "reads go to the standby again" in served.log_path.read_text()


def test_api_keeps_answering_when_the_standby_goes_away(
        served: Served, standby: StandbyCluster) -> None:
    """Stopping the standby outright: reads go to the primary, nothing fails, and /metrics
    says so."""
    wait_until(lambda: metric(served, "glonass_database_reads_from_standby") == 1,
               20, "reads on the standby")
    drive(served, 7401)
    wait_until(lambda: vehicle_names(served) == ["EGTS 7401"], 20, "replayed vehicle shown")
    standby.stop_now()
    for _ in range(5):
        assert vehicle_names(served) == ["EGTS 7401"]
    drive(served, 7402)
    assert vehicle_names(served) == ["EGTS 7401", "EGTS 7402"]
    assert metric(served, "glonass_database_reads_from_standby") == 0
    wait_until(lambda: metric(served, "glonass_database_standby_lag_seconds") == float("inf"),
               20, "the lag is unknown")
    assert "reads go to the primary: the standby is unreachable" in served.log_path.read_text()


def test_writes_and_reading_them_back_stay_on_the_primary(
        dsn: str, standby: StandbyCluster, tmp_path: Path) -> None:
    """With replay paused (and a lag limit that never trips), the live state shows only what
    the standby replayed, while a dispatcher signs in, creates a mark and reads it back at
    once: sign-ins, writes and the pages of one's own changes use the primary."""
    standby.start()
    standby.psql("SELECT pg_wal_replay_resume()")
    add_user(dsn, "sidorova", "metel-2026!", "dispatcher")
    served = start_server(dsn, tmp_path, f"[database]\nread_url = \"{standby.dsn()}\"\n"
                                         "read_max_lag_s = 3600.0\n")
    try:
        wait_until(lambda: metric(served, "glonass_database_reads_from_standby") == 1,
                   20, "reads on the standby")
        fresh_commit_replayed(dsn, standby)
        standby.psql("SELECT pg_wal_replay_pause()")
        drive(served, 7501)
        assert vehicle_names(served) == []
        auth = sign_in(served, "sidorova", "metel-2026!")
        mark = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [137.01, 50.55]},
                "properties": {"layer": "flooded_basement", "text": "Подвал, пр. Мира 12"}}
        status, _, raw = call(served, "POST", "/api/marks", mark, headers=auth)
        assert status == 201, raw
        status, _, raw = call(served, "GET", f"/api/marks/{json.loads(raw)['id']}",
                              headers=auth)
        assert status == 200 and json.loads(raw)["properties"]["text"] == "Подвал, пр. Мира 12"
        assert vehicle_names(served) == []
        assert metric(served, "glonass_database_reads_from_standby") == 1
    finally:
        standby.psql("SELECT pg_wal_replay_resume()")
        stop_server(served)
