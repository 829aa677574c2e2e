"""Raw telemetry traffic for diagnosis: what each terminal sent and what we answered, byte-exact.

Off by default (``[archive]``). One line per chunk as it crossed the socket, so TCP
segmentation stays visible::

    2026-11-26T04:10:52.123456+00:00 in 10.0.0.5:40122 egts:1001 0100000b0023...

(time, ``in``/``out``, peer, terminal once logged in or ``-``, hex). Daily files per protocol,
``egts-YYYY-MM-DD.log`` and ``ndtp-…`` (UTC), in the configured directory; at each new day
the files older than ``keep_days`` are deleted. Lines are buffered and flushed every second,
so the archive costs the reactor a buffered write per chunk; grep by terminal or peer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from twisted.internet.defer import Deferred
from twisted.logger import Logger

from egts_server.periodic import PeriodicService


class PacketArchive(PeriodicService):
    """Appends chunks to the day's file; rotates daily; deletes old days."""

    log = Logger()

    def __init__(self, directory: Path, keep_days: int, clock: Callable[[], datetime],
                 reactor: Any, prefix: str = "egts") -> None:
        super().__init__(1.0, reactor)  # flush once a second
        self._directory = directory
        self._keep_days = keep_days
        self._clock = clock
        self._prefix = prefix
        self._day: date | None = None
        self._file: IO[str] | None = None

    def startService(self) -> None:  # noqa: N802
        self._directory.mkdir(parents=True, exist_ok=True)
        super().startService()
        self.log.info("archiving raw {protocol} traffic in {directory}", protocol=self._prefix,
                      directory=str(self._directory))

    def stopService(self) -> Deferred[None]:  # noqa: N802
        d = super().stopService()
        if self._file is not None:
            self._file.close()
            self._file = None
        return d

    def record(self, direction: str, peer: str, terminal: str | None, data: bytes) -> None:
        """One chunk received (``in``) or written (``out``) on a connection."""
        now = self._clock()
        if now.date() != self._day:
            self._rotate(now.date())
        if self._file is not None:
            self._file.write(f"{now.isoformat()} {direction} {peer} {terminal or '-'} "
                             f"{data.hex()}\n")

    def run(self) -> None:
        """Flush what was written since the last second."""
        if self._file is not None:
            self._file.flush()

    def path_for(self, day: date) -> Path:
        return self._directory / f"{self._prefix}-{day.isoformat()}.log"

    def _rotate(self, day: date) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._day = day
        try:
            self._file = self.path_for(day).open("a", encoding="ascii")
        except OSError as e:
            self.log.error("archive: cannot open {path}: {error}; not archiving today",
                           path=str(self.path_for(day)), error=e.strerror)
            return
        oldest = day - timedelta(days=self._keep_days)
        for old in self._directory.glob(f"{self._prefix}-*.log"):
            try:
                if date.fromisoformat(old.stem.removeprefix(f"{self._prefix}-")) < oldest:
                    old.unlink()
            except (ValueError, OSError):
                continue  # not one of ours, or already gone
