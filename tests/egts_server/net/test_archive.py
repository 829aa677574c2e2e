"""The raw traffic archive: one line per chunk in each direction, a file per UTC day, old days
deleted; end to end through the served process, and the file handling on a fake clock."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from twisted.internet.task import Clock

from egts_server.net.archive import PacketArchive
from tests.builders import egts as build
from tests.conftest import start_server, stop_server
from tests.egts_terminal import EgtsTerminal

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class Now:
    """The archive's clock, moved by the test."""

    def __init__(self) -> None:
        self.at = NOON

    def __call__(self) -> datetime:
        return self.at


def started(directory: Path, now: Now, keep_days: int = 2) -> tuple[PacketArchive, Clock]:
    reactor = Clock()
    archive = PacketArchive(directory, keep_days, now, reactor, prefix="ndtp")
    archive.startService()
    return archive, reactor


def test_raw_archive_keeps_both_directions(dsn: str, tmp_path: Path) -> None:
    """With [archive] on, the day's file holds the login packet as received and our replies."""
    archive = tmp_path / "archive"
    served = start_server(dsn, tmp_path, f"[archive]\nenabled = true\ndirectory = "
                                         f"\"{archive}\"\n")
    try:
        terminal = EgtsTerminal(served.egts_port)
        login = build.packet(pid=0, records=[build.auth_record(rn=0, tid=5006, oid=5006)])
        terminal.send(login)
        response = terminal.read_frame()
        assert response is not None
        terminal.close()
        day = archive / f"egts-{datetime.now(UTC).date().isoformat()}.log"
        deadline = time.monotonic() + 10
        while not (day.exists() and " out " in day.read_text()
                   and response.hex() in day.read_text()):
            assert time.monotonic() < deadline, "archive not written"
            time.sleep(0.2)
        lines = [line.split(" ") for line in day.read_text().splitlines()]
        assert [line[1] for line in lines][:2] == ["in", "out"]
        assert lines[0][3] == "-" and lines[0][4] == login.hex()
        assert lines[1][3] == "egts:5006" and lines[1][4] == response.hex()
    finally:
        stop_server(served)



def test_each_chunk_is_one_line_and_reaches_the_file_at_the_next_flush(tmp_path: Path) -> None:
    """Time, direction, peer, terminal (``-`` before the login) and hex, flushed every second."""
    now = Now()
    archive, reactor = started(tmp_path / "raw", now)
    archive.record("in", "10.0.0.5:40122", None, b"\x01\x00\xab")
    day_file = tmp_path / "raw" / "ndtp-2026-11-26.log"
    assert day_file.read_text() == ""
    reactor.advance(1.0)
    assert day_file.read_text() == "2026-11-26T12:00:00+00:00 in 10.0.0.5:40122 - 0100ab\n"
    now.at += timedelta(microseconds=5)
    archive.record("out", "10.0.0.5:40122", "ndtp:134223", b"\xff")
    archive.stopService()
    assert day_file.read_text().splitlines() == [
        "2026-11-26T12:00:00+00:00 in 10.0.0.5:40122 - 0100ab",
        "2026-11-26T12:00:00.000005+00:00 out 10.0.0.5:40122 ndtp:134223 ff",
    ]


def test_a_new_day_opens_a_new_file_and_deletes_days_past_keep_days(tmp_path: Path) -> None:
    """At the first chunk of a day, files of this protocol older than ``keep_days`` go; newer
    days, other protocols' files and files not named by date stay."""
    directory = tmp_path / "raw"
    directory.mkdir()
    kept = ["ndtp-2026-11-25.log", "ndtp-2026-11-24.log", "egts-2026-11-01.log", "ndtp-notes.log"]
    for name in [*kept, "ndtp-2026-11-23.log", "ndtp-2026-10-30.log"]:
        (directory / name).write_text("old\n")
    now = Now()
    archive, _ = started(directory, now)
    archive.record("in", "p", None, b"\x01")
    assert sorted(f.name for f in directory.iterdir()) == sorted([*kept, "ndtp-2026-11-26.log"])
    now.at += timedelta(days=1)
    archive.record("in", "p", None, b"\x02")
    archive.stopService()
    assert not (directory / "ndtp-2026-11-24.log").exists()
    assert (directory / "ndtp-2026-11-25.log").exists()
    assert (directory / "ndtp-2026-11-26.log").read_text().split()[-1] == "01"
    assert (directory / "ndtp-2026-11-27.log").read_text().split()[-1] == "02"


def test_a_day_whose_file_cannot_be_opened_is_not_archived(tmp_path: Path) -> None:
    """An unwritable day logs the error and drops that day's chunks; nothing is raised."""
    now = Now()
    archive, _ = started(tmp_path / "raw", now)
    archive.path_for(date(2026, 11, 26)).mkdir()  # a directory where the file should be
    archive.record("in", "p", None, b"\x01")
    now.at += timedelta(days=1)
    archive.record("in", "p", None, b"\x02")
    archive.stopService()
    assert archive.path_for(date(2026, 11, 26)).is_dir()
    assert (tmp_path / "raw" / "ndtp-2026-11-27.log").read_text().split()[-1] == "02"
