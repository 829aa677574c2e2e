"""``db``: an external database is not started or stopped, migrations report what they did,
the demo is seeded once, and retention says what it keeps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from db import retention
from egts_server.cli import main


@pytest.mark.parametrize("action", ["start", "stop", "status"])
def test_an_external_database_is_not_ours_to_start_or_stop(
        action: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.delenv("GLONASS_DISPATCH_CONFIG", raising=False)
    assert main(["db", action]) == 0
    assert capsys.readouterr() == (
        f"using an external database (DATABASE_URL); nothing to {action}\n", "")


def test_url_and_migrate_on_a_migrated_database(
        cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "url"]) == 0
    assert main(["db", "migrate"]) == 0
    assert capsys.readouterr() == (f"{cli_env}\nschema is up to date\n", "")


def test_the_demo_is_seeded_into_an_empty_database_only(
        cur: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "seed"]) == 0
    counts = {}
    for table in ("vehicles", "routes", "bus_lines", "marks"):
        cur.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cur.fetchone()[0]
    assert capsys.readouterr().out == "seeded: " + ", ".join(
        f"{n} {table}" for table, n in counts.items()) + "\n"
    assert main(["db", "seed"]) == 0
    assert capsys.readouterr().out == (
        "database already has vehicles; nothing seeded (use --force)\n")


@pytest.mark.parametrize("args", [[], ["--keep-months", "0"]])
def test_retention_needs_a_positive_number_of_months(
        cli_env: str, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    assert main(["db", "retention", *args]) == 2
    assert capsys.readouterr().err == (
        "glonass-dispatch: db retention: --keep-months N (N >= 1) is required\n")


def test_retention_with_nothing_old_names_the_first_month_kept(
        cur: Any, capsys: pytest.CaptureFixture[str]) -> None:
    for partition in retention.partitions(cur):
        cur.execute(f'DROP TABLE "{partition.name}"')
    kept_from = retention.add_months(datetime.now(UTC).date(), -2)
    assert main(["db", "retention", "--keep-months", "2"]) == 0
    assert capsys.readouterr().out == f"nothing to drop: no partition ends before {kept_from}\n"
