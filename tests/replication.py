"""A streaming standby of a test cluster, made with PostgreSQL's own tools (pg_basebackup -R).

The standby copies the whole primary cluster, follows it over a replication connection on the
primary's socket, and is stopped and removed with the session.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from db.cluster import LocalCluster


class StandbyCluster(LocalCluster):
    """A cluster whose data directory is a base backup of ``primary`` set up to follow it."""

    def clone(self, primary: LocalCluster) -> None:
        """A fresh base backup of ``primary`` with ``standby.signal`` and the connection to it
        (``-R``); ``start`` then runs it as a hot standby."""
        self.stop_now()
        if self.data_dir.parent.exists():
            shutil.rmtree(self.data_dir.parent)
        self.data_dir.parent.mkdir(parents=True)
        self._own(self.data_dir.parent)
        self._run(["pg_basebackup", "-D", str(self.data_dir), "-R", "-X", "stream",
                   "-h", str(primary.socket_dir), "-p", str(primary.port), "-U", primary.user,
                   "-c", "fast"])

    def stop_now(self) -> None:
        """Stop at once, as a crash or a pulled cable would (no shutdown checkpoint)."""
        if self.is_initialised() and self.is_running():
            self._run(["pg_ctl", "stop", "-m", "immediate", "-w", "-D", str(self.data_dir)])

    def psql(self, sql: str) -> str:
        return self._psql(self.database, sql)


def standby_of(primary: LocalCluster, home: Path, port: int) -> StandbyCluster:
    """A running standby of ``primary`` under ``home``, listening on ``port``."""
    standby = StandbyCluster(home / "data", port, database=primary.database, user=primary.user)
    standby.clone(primary)
    standby.start()
    return standby
