"""Sealed acts: `coverage --save` seals, nothing rewrites an act, `acts diff` shows late data."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import psycopg2
import psycopg2.errors
import pytest

from db import routes as route_db
from egts_server.cli import main
from tests.dispatch.synthetic import T0, Drive, street
from tests.egts_server.cli.test_dispatch_coverage import WINDOW, city, store_drive

__all__ = ["city"]  # the fixture, shared with the coverage CLI tests


def stored_act(dsn: str) -> tuple[str, dict[str, object], object]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT content_hash, result, route_versions FROM coverage_results")
        [(sealed_hash, document, versions)] = cur.fetchall()
    conn.close()
    return sealed_hash, document, versions


def test_a_saved_act_is_sealed_and_cannot_be_changed(
        city: dict[str, int], dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "--all", *WINDOW, "--save", "-q", "-o", "/dev/null"]) == 0
    sealed_hash, document, versions = stored_act(dsn)
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert sealed_hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert versions == [{"id": city["driven"], "version": 1}, {"id": city["idle"], "version": 1}]
    assert main(["acts", "show", "1"]) == 0
    shown = capsys.readouterr().out
    assert f"sha256 {sealed_hash} (intact)" in shown
    assert f"route versions: {city['driven']} v1, {city['idle']} v1" in shown

    for statement in ("UPDATE coverage_results SET summary = '{}'", "DELETE FROM coverage_results"):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="sealed"), \
                psycopg2.connect(dsn) as conn, conn.cursor() as cur:
            cur.execute(statement)
        conn.close()
    assert stored_act(dsn)[0] == sealed_hash
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT action, actor FROM audit_log WHERE kind = 'coverage_act'")
        [(action, actor)] = cur.fetchall()
    conn.close()
    assert action == "create" and actor.startswith("cli:")
    assert main(["acts", "show", "99"]) == 1


def test_late_black_box_data_is_shown_against_the_act_not_merged_into_it(
        city: dict[str, int], dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "--all", *WINDOW, "--save", "-q", "-o", "/dev/null"]) == 0
    before = stored_act(dsn)
    assert main(["acts", "diff", "1", "-q"]) == 0
    unchanged = json.loads(capsys.readouterr().out)
    assert (unchanged["changed"], unchanged["routes"], unchanged["parameters"]) == (
        False, [], {})

    late = Drive(7, [(-60.0, 400.0), (1060.0, 400.0), (1060.0, 403.0), (-60.0, 403.0)],
                 start=T0 + timedelta(minutes=30))
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM vehicles")
        store_drive(cur, cur.fetchone()[0], late, black_box=True)
        # a redrawn line after the act does not move what the act is compared on
        route_db.update_route(cur, city["driven"], street(
            0, ((0.0, 0.0), (500.0, 0.0)), name="ул. Ленина", contractor="МУП"))
    conn.close()

    assert main(["acts", "diff", "1", "-q"]) == 0
    diff = json.loads(capsys.readouterr().out)
    assert diff["changed"] is True and diff["parameters"] == {}
    [route] = diff["routes"]
    assert (route["route_id"], route["name"], route["version"]) == (city["idle"], "ул. Мира", 1)
    assert route["served_pct"] == [0.0, 100.0]
    assert route["state_m"]["served"][0] == 0.0
    assert route["state_m"]["served"][1] == pytest.approx(1000.0, abs=1.0)
    assert [(s["m_from"], s["before"], s["after"]) for s in route["stretches"]] == [
        (0.0, "not_served", "served")]
    assert route["stretches"][0]["length_m"] == pytest.approx(1000.0, abs=1.0)
    [vehicle] = route["vehicles"]
    assert vehicle["confirmed_m"][0] is None
    assert vehicle["confirmed_m"][1] == pytest.approx(2000.0, abs=2.0)  # both ways
    assert stored_act(dsn) == before


def test_a_result_stored_before_sealing_is_shown_as_such_and_still_compared(
        city: dict[str, int], dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "--all", *WINDOW, "--format", "json", "-q"]) == 0
    document = json.loads(capsys.readouterr().out)
    for summary in document["routes"]:
        del summary["route"]["version"]  # as results were written before routes had versions
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO coverage_results (computed_at, window_from, window_to,"
                    " route_ids, parameters, summary, result) VALUES (%s, %s, %s, %s, %s, '{}',"
                    " %s)", (document["computed_at"], document["from"], document["to"],
                             [city["driven"], city["idle"]], json.dumps(document["parameters"]),
                             json.dumps(document)))
    conn.close()
    assert main(["acts", "show", "1"]) == 0
    assert "sha256 - (not sealed: stored before results were sealed)" in capsys.readouterr().out
    assert main(["acts", "diff", "1", "-q"]) == 0
    diff = json.loads(capsys.readouterr().out)
    assert (diff["changed"], diff["routes"]) == (False, [])  # recomputed with today's versions
