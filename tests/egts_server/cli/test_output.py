"""Where a command writes is checked before it works: a missing folder, a folder given for a
file or a file in the way is one line naming the option; a writable place passes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from egts_server.cli.output import check_output_dir, check_output_file, open_output
from egts_server.config import ConfigError
from tests.conftest import run_cli


def test_stdout_and_a_new_or_existing_file_in_a_folder_pass(tmp_path: Path) -> None:
    existing = tmp_path / "old.csv"
    existing.write_text("x")
    for path in (None, "", str(tmp_path / "new.csv"), str(existing)):
        check_output_file(path, "coverage --output")


def test_a_folder_to_be_made_passes_and_a_file_on_its_way_is_named(tmp_path: Path) -> None:
    """The nearest existing parent decides, however deep the new folders go."""
    check_output_dir(str(tmp_path / "site" / "deeper" / "still"), "maps export")
    check_output_dir(str(tmp_path), "maps export")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigError) as refused:
        check_output_dir(str(blocker / "a" / "b"), "maps export")
    assert str(refused.value) == f"maps export: {blocker} is a file, not a folder"


def test_no_path_writes_to_stdout_and_a_path_to_its_utf8_file(tmp_path: Path) -> None:
    assert open_output(None) is sys.stdout and open_output("") is sys.stdout
    target = tmp_path / "акт.csv"
    with open_output(str(target)) as out:
        out.write("Циклон\n")
    assert target.read_bytes() == "Циклон\n".encode()


def test_a_file_the_system_refuses_is_a_configuration_error(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "act.html"
    with pytest.raises(ConfigError) as refused:
        open_output(str(target))
    assert str(refused.value) == f"cannot write {target}: No such file or directory"


def test_output_folders_are_checked_before_any_work(dsn: str, tmp_path: Path) -> None:
    """Storm 9 does not exist, yet the missing folder is what is reported: it is checked first."""
    missing = tmp_path / "nowhere" / "act.html"
    report = run_cli(dsn, "report", "storm", "9", "-o", str(missing))
    assert (report.returncode, report.stderr) == (
        2, f"glonass-dispatch: report storm --output: the folder {missing.parent} does not "
           "exist\n")
    coverage = run_cli(dsn, "coverage", "--all", "--from", "2026-01-01T00:00", "--to",
                   "2026-01-02T00:00", "-o", str(tmp_path))
    assert (coverage.returncode, coverage.stderr) == (
        2, f"glonass-dispatch: coverage --output: {tmp_path} is a folder; give a file name "
           "in it\n")
    blocker = tmp_path / "file"
    blocker.write_text("")
    export = run_cli(dsn, "maps", "export", str(blocker / "site"))
    assert (export.returncode, export.stderr) == (
        2, f"glonass-dispatch: maps export: {blocker} is a file, not a folder\n")
