"""Which database the settings name: the external ``DATABASE_URL`` or the embedded cluster."""

from __future__ import annotations

from db.cluster import LocalCluster
from egts_server.config import Settings


def embedded_cluster(settings: Settings) -> LocalCluster:
    e = settings.database.embedded
    return LocalCluster(settings.resolve(e.data_dir), e.port, e.database, e.user)


def database_dsn(settings: Settings) -> str:
    """``DATABASE_URL``/``database.url`` when set, else the embedded cluster's socket."""
    return settings.database.url or embedded_cluster(settings).dsn()
