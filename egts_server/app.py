"""The one assembly point: settings in, a running service tree out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from twisted.application.internet import TCPServer
from twisted.application.service import MultiService
from twisted.internet.defer import Deferred

from db import terminals
from db.cluster import LocalCluster
from db.pool import PositionStore, make_pool
from db.terminals import Admission
from egts_server.config import Settings
from egts_server.model import DeviceKey
from egts_server.net.protocol import EgtsFactory
from egts_server.sinks import BatchingWriter
from maps.web import make_site


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def embedded_cluster(settings: Settings) -> LocalCluster:
    e = settings.database.embedded
    return LocalCluster(settings.resolve(e.data_dir), e.port, e.database, e.user)


def database_dsn(settings: Settings) -> str:
    """``DATABASE_URL``/``database.url`` when set, else the embedded cluster's socket."""
    return settings.database.url or embedded_cluster(settings).dsn()


class Application(MultiService):
    """Listeners, the writer and the web site, sharing the pools; stops listeners first."""

    def __init__(self, settings: Settings, reactor: Any,
                 clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__()
        dsn = database_dsn(settings)
        self.write_pool = make_pool(dsn, max_connections=1, reactor=reactor)
        self.read_pool = make_pool(dsn, max_connections=settings.database.pool_max,
                                   reactor=reactor)
        w = settings.writer
        self.writer = BatchingWriter(PositionStore(self.write_pool).store, reactor,
                                     batch_size=w.batch_size, max_queue=w.max_queue,
                                     retry_delay_s=w.retry_delay_s)
        self.writer.setServiceParent(self)
        policy = settings.intake.unknown_terminals

        def admit(device: DeviceKey, imei: str | None,
                  details: Mapping[str, str]) -> Deferred[Admission]:
            d: Deferred[Admission] = self.read_pool.runInteraction(
                terminals.admit, device.protocol, device.identifier, imei, details, policy)
            return d

        if settings.egts.enabled:
            self.egts_factory = EgtsFactory(self.writer, admit, clock,
                                            settings.intake.idle_timeout_s)
            self.egts = TCPServer(settings.egts.port, self.egts_factory,
                                  interface=settings.egts.host, reactor=reactor)
            self.egts.setServiceParent(self)
        self.site = make_site(self.read_pool, settings.map, clock, settings.auth)
        self.http = TCPServer(settings.http.port, self.site, interface=settings.http.host,
                              reactor=reactor)
        self.http.setServiceParent(self)

    def stopService(self) -> Deferred[None]:  # noqa: N802
        d: Deferred[None] = super().stopService()  # children in reverse: listeners, then writer

        def close_pools(_: object) -> None:
            self.write_pool.close()
            self.read_pool.close()

        return d.addCallback(close_pools)
