"""The console script's entry point: where the configuration comes from, and how a failure
ends (one line on stderr and an exit status, never a traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from db.cluster import LocalCluster
from egts_server.cli import main
from tests.conftest import REPO, run_cli


@pytest.fixture()
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither DATABASE_URL nor GLONASS_DISPATCH_CONFIG: the command line alone decides."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("GLONASS_DISPATCH_CONFIG", raising=False)


def test_the_configuration_file_comes_from_the_variable_unless_one_is_given(
        no_environment: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    misspelt, chosen = tmp_path / "misspelt.toml", tmp_path / "chosen.toml"
    misspelt.write_text("[egts]\nprot = 1\n")
    chosen.write_text("[database]\nurl = \"postgresql://dispatch@db.example/city\"\n")
    monkeypatch.setenv("GLONASS_DISPATCH_CONFIG", str(misspelt))
    assert main(["db", "url"]) == 2
    assert capsys.readouterr() == ("", "glonass-dispatch: egts.prot: unknown setting\n")
    assert main(["--config", str(chosen), "db", "url"]) == 0
    assert capsys.readouterr() == ("postgresql://dispatch@db.example/city\n", "")


def test_a_missing_configuration_file_is_named(
        no_environment: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.toml"
    assert main(["--config", str(missing), "db", "url"]) == 2
    assert capsys.readouterr().err == (
        f"glonass-dispatch: cannot read configuration {missing}: No such file or directory\n")


def test_the_embedded_cluster_lives_under_the_project_home(
        no_environment: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """GLONASS_DISPATCH_HOME, not the current folder, holds ``var/pg``."""
    monkeypatch.setenv("GLONASS_DISPATCH_HOME", str(tmp_path))
    assert main(["db", "status"]) == 0
    cluster = LocalCluster(tmp_path / "var" / "pg", 55432)
    assert capsys.readouterr().out == f"not initialised ({cluster.data_dir})\n"


@pytest.mark.parametrize("args", [
    ["simulate", "--first", "500", "--duration", "1"],
    ["simulate", "--vehicles", "0", "--duration", "1"],
    ["vehicles", "edit", "1", "--kind", "plow"],
    ["vehicles", "assign", "5", "--route-number", "7"],
    ["terminals", "remove", "egts", "77"],
    ["terminals", "command", "egts:77", "--text", "GETVER"],
    ["routes", "restore", "9"],
    ["routes", "import", "/nonexistent/routes.geojson"],
    ["acts", "show", "9"],
    ["acts", "diff", "9"],
    ["report", "storm", "9", "-o", "/nonexistent/act.html"],
    ["coverage", "--all", "--from", "2026-01-01T00:00", "--to", "2026-01-02T00:00", "-o",
     "/nonexistent/cov.csv"],
    ["coverage", "--all", "--from", "вчера", "--to", "2026-01-02T00:00"],
    ["routes", "export", "/nonexistent/routes.geojson"],
    ["audit", "--from", "2026-01-01T00:00", "-o", "/nonexistent/audit.csv"],
    ["maps", "export", "/dev/null/site"],
    ["storms", "end", "9"],
    ["users", "set-role", "nobody", "admin"],
    ["db", "retention", "--keep-months", "0"],
])
def test_user_errors_end_without_a_traceback(dsn: str, args: list[str]) -> None:
    """Bad input, a missing thing or an output nobody can write: a message, no traceback."""
    result = run_cli(dsn, *args)
    assert result.returncode in (1, 2), result
    assert "Traceback" not in result.stderr and result.stderr.startswith(
        ("glonass-dispatch: ", "usage: ")), result.stderr




def test_listing_into_a_closed_pipe_is_quiet(dsn: str) -> None:
    """`terminals list | head -1`: the reader leaves early; no traceback, exit status 0."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO terminals (protocol, identifier)"
                    " SELECT 'egts', g::text FROM generate_series(1, 5000) g")
    conn.close()
    result = subprocess.run(
        f"{sys.executable} -m egts_server.cli terminals list | head -1", shell=True,
        capture_output=True, text=True, cwd=REPO, env={**os.environ, "DATABASE_URL": dsn})
    assert result.stdout.count("\n") == 1 and "egts:1" in result.stdout
    assert result.stderr == ""
