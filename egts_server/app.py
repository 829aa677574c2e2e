"""The one assembly point: settings in, a running service tree out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from twisted.application.internet import TCPServer
from twisted.application.service import MultiService, Service
from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred, gatherResults, maybeDeferred
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.server import Site

from db import retention, terminals
from db.pool import PositionStore, make_pool
from db.terminals import Admission
from egts_server.config import ListenerSettings, Settings
from egts_server.database import database_dsn
from egts_server.metrics import IntakeMetrics
from egts_server.model import DeviceKey
from egts_server.net.admission import Admit
from egts_server.net.archive import PacketArchive
from egts_server.net.collector import CollectorSchedule
from egts_server.net.commands import CommandRelay, CommandTarget
from egts_server.net.factory import TelemetryFactory
from egts_server.net.framed import (
    GalileoskyFactory,
    NavtelecomFactory,
    WialonRetranslatorFactory,
)
from egts_server.net.limits import ConnectionCounter, IntakeLimits, effective_max_connections
from egts_server.net.loop_lag import LoopLag
from egts_server.net.ndtp import NdtpFactory
from egts_server.net.nis import NisResource
from egts_server.net.osmand import OsmandResource
from egts_server.net.protocol import EgtsFactory
from egts_server.net.service import ListenerService
from egts_server.net.teltonika import TeltonikaFactory
from egts_server.net.wialon import WialonFactory
from egts_server.periodic import PeriodicService
from egts_server.retranslator import RetranslationService, register_delivery_metrics
from egts_server.sinks import BatchingWriter
from maps.metrics import MetricsResource
from maps.web import make_site


def utc_now() -> datetime:
    return datetime.now(UTC)


class PartitionKeeper(PeriodicService):
    """Keeps the monthly partitions of positions ready ahead: at start, then daily.

    The writer still creates any other month on demand (black-box fixes from the past).
    """

    log = Logger()

    def __init__(self, pool: adbapi.ConnectionPool, months_ahead: int, reactor: Any,
                 clock: Callable[[], datetime] = utc_now, interval_s: float = 86400.0) -> None:
        super().__init__(interval_s, reactor)
        self._pool = pool
        self._months_ahead = months_ahead
        self._clock = clock

    def run(self) -> Deferred[None]:
        """One round; never fails (a failed call would stop the timer for good)."""
        d: Deferred[list[str]] = self._pool.runInteraction(
            retention.ensure_months_ahead, self._clock().date(), self._months_ahead)

        def done(created: list[str]) -> None:
            if created:
                self.log.info("created partitions ahead: {names}", names=", ".join(created))

        def failed(failure: Failure) -> None:
            self.log.warn("could not create partitions ahead ({error}); trying again later",
                          error=failure.getErrorMessage().strip())

        return d.addCallbacks(done, failed)


class Application(MultiService):
    """Listeners, the writer and the web site, sharing the pools.

    Stops in order: listeners (stop accepting, stop reading, acknowledge what commits, close),
    then the writer (drain), then the rest; each step bounded by ``intake.shutdown_timeout_s``.
    """

    log = Logger()

    def __init__(self, settings: Settings, reactor: Any,
                 clock: Callable[[], datetime] = utc_now, *, intake_worker: int = 0) -> None:
        super().__init__()
        self._reactor = reactor
        self._shutdown_timeout_s = settings.intake.shutdown_timeout_s
        dsn = database_dsn(settings)
        w = settings.writer
        self.metrics = IntakeMetrics()
        self.write_pool = make_pool(dsn, max_connections=w.connections, reactor=reactor)
        self.read_pool = make_pool(dsn, max_connections=settings.database.pool_max,
                                   reactor=reactor)
        self.writer = BatchingWriter(PositionStore(self.write_pool).store, reactor,
                                     batch_size=w.batch_size, max_queue=w.max_queue,
                                     retry_delay_s=w.retry_delay_s, concurrency=w.connections,
                                     linger_s=w.linger_s, metrics=self.metrics)
        self.writer.setServiceParent(self)
        # last in the tree, so it starts (and freezes what exists) after everything else
        self.collector = CollectorSchedule(reactor, self.metrics.registry,
                                           interval_s=settings.intake.gc_interval_s,
                                           full_interval_s=settings.intake.gc_full_interval_s)
        LoopLag(reactor, self.metrics.registry).setServiceParent(self)
        if not intake_worker:  # the first process keeps the database's partitions for all
            PartitionKeeper(self.read_pool, settings.database.partition_months_ahead, reactor,
                            clock).setServiceParent(self)
        i = settings.intake
        limits = IntakeLimits(idle_timeout_s=i.idle_timeout_s, login_timeout_s=i.login_timeout_s,
                              stall_timeout_s=i.stall_timeout_s,
                              max_buffered_bytes=i.max_buffered_bytes,
                              max_pending_fixes=i.max_pending_fixes,
                              max_bad_packets=i.max_bad_packets)
        max_connections = effective_max_connections(i.max_connections)
        if max_connections < i.max_connections:
            self.log.warn("intake.max_connections lowered from {configured} to {effective} to "
                          "fit the open-file limit", configured=i.max_connections,
                          effective=max_connections)
        counter = ConnectionCounter(max_connections, i.max_connections_per_address)
        self.listeners: list[ListenerService] = []
        policy = settings.intake.unknown_terminals

        def admit(device: DeviceKey, imei: str | None,
                  details: Mapping[str, str]) -> Deferred[Admission]:
            d: Deferred[Admission] = self.read_pool.runInteraction(
                terminals.admit, device.protocol, device.identifier, imei, details, policy)
            return d

        def archive(protocol: str) -> PacketArchive | None:
            if not settings.archive.enabled:
                return None
            prefix = f"{protocol}.{intake_worker}" if intake_worker else protocol  # own files
            kept = PacketArchive(settings.resolve(settings.archive.directory),
                                 settings.archive.keep_days, clock, reactor, prefix=prefix)
            kept.setServiceParent(self)
            return kept

        def listen(factory: TelemetryFactory, listener: ListenerSettings) -> None:
            service = ListenerService(factory, listener.port, host=listener.host,
                                      backlog=listener.backlog,
                                      shutdown_timeout_s=i.shutdown_timeout_s, reactor=reactor,
                                      reuse_port=i.processes > 1)
            service.setServiceParent(self)
            self.listeners.append(service)

        commanded: list[EgtsFactory | TeltonikaFactory] = []  # listeners that take commands

        def connections() -> list[CommandTarget]:
            return [c for factory in commanded for c in factory.connections]

        if settings.egts.enabled or settings.teltonika.enabled:
            self.commands = CommandRelay(self.read_pool, settings.commands, connections,
                                         reactor, settle=not intake_worker)
            self.commands.setServiceParent(self)
        if settings.egts.enabled:
            self.egts_factory = EgtsFactory(self.writer, admit, clock, limits, reactor=reactor,
                                            counter=counter, metrics=self.metrics,
                                            commands=self.commands, archive=archive("egts"))
            commanded.append(self.egts_factory)
            listen(self.egts_factory, settings.egts)
        if settings.teltonika.enabled:
            teltonika = TeltonikaFactory(self.writer, admit, clock, limits, reactor=reactor,
                                         counter=counter, metrics=self.metrics,
                                         commands=self.commands, archive=archive("teltonika"))
            commanded.append(teltonika)
            listen(teltonika, settings.teltonika)
        if settings.ndtp.enabled:
            self.ndtp_factory = NdtpFactory(self.writer, admit, clock, limits, reactor=reactor,
                                            counter=counter, metrics=self.metrics,
                                            archive=archive("ndtp"))
            listen(self.ndtp_factory, settings.ndtp)
        if settings.wialon.enabled:
            listen(WialonFactory(self.writer, admit, clock, limits, reactor=reactor,
                                 counter=counter, metrics=self.metrics, archive=archive("wialon"),
                                 passwords=settings.wialon.passwords), settings.wialon)
        framed: tuple[tuple[type[TelemetryFactory], ListenerSettings], ...] = (
            (GalileoskyFactory, settings.galileosky),
            (WialonRetranslatorFactory, settings.wialonretr),
            (NavtelecomFactory, settings.navtelecom))
        for factory, listener in framed:
            if listener.enabled:
                listen(factory(self.writer, admit, clock, limits, reactor=reactor,
                               counter=counter, metrics=self.metrics,
                               archive=archive(factory.name)), listener)
        if intake_worker:  # an extra intake process (net.workers): telemetry and /metrics only
            self.http = TCPServer(settings.http.port + intake_worker,
                                  Site(MetricsResource(self.metrics_text,
                                                       settings.metrics.allow)),
                                  interface=settings.http.host, reactor=reactor)
        else:
            self._serve_web(settings, admit, clock, reactor)
        self.http.setServiceParent(self)
        self.collector.setServiceParent(self)

    def _serve_web(self, settings: Settings, admit: Admit, clock: Callable[[], datetime],
                   reactor: Any) -> None:
        """The first process also serves the pages, the API, NIS and retranslation."""
        nis = (NisResource(self.writer, admit, clock, settings.nis.passwords)
               if settings.nis.enabled else None)
        # retranslation to upstream platforms, with its delivery metrics
        self.retranslation = RetranslationService(settings.retranslator, self.read_pool,
                                                  reactor, clock)
        self.retranslation.setServiceParent(self)
        register_delivery_metrics(self.metrics.registry, lambda: self.retranslation.snapshot,
                                  clock)
        self.site = make_site(self.read_pool, settings.map, clock, reactor, settings.auth,
                              metrics=MetricsResource(self.metrics_text, settings.metrics.allow),
                              nis=nis,
                              gtfs_rt=settings.gtfs_rt,
                              command_ttl_s=settings.commands.default_ttl_s,
                              public=settings.public, site_settings=settings.site)
        self.http = TCPServer(settings.http.port, self.site, interface=settings.http.host,
                              reactor=reactor)
        if settings.osmand.enabled:
            TCPServer(settings.osmand.port,
                      Site(OsmandResource(self.writer, admit, clock, self.metrics)),
                      interface=settings.osmand.host, reactor=reactor).setServiceParent(self)

    def stopService(self) -> Deferred[None]:  # noqa: N802
        Service.stopService(self)
        # telemetry listeners first (stop accepting, finish their connections), then the
        # writer, then everything else
        first: list[Any] = [*self.listeners]
        listeners = gatherResults([maybeDeferred(s.stopService) for s in first])
        others = [s for s in self if s not in first and s is not self.writer]

        def stop_writer(_: object) -> Deferred[Any]:
            if self.writer.idle:
                return maybeDeferred(self.writer.stopService)
            self.log.info("waiting for the writer to commit {n} fixes", n=self.writer.queue_depth)
            d: Deferred[Any] = maybeDeferred(self.writer.stopService)
            return d.addTimeout(self._shutdown_timeout_s, self._reactor,
                                onTimeoutCancel=self._gave_up)

        def stop_others(_: object) -> Deferred[Any]:
            return gatherResults([maybeDeferred(s.stopService) for s in reversed(others)])

        def close_pools(_: object) -> None:
            self.write_pool.close()
            self.read_pool.close()

        d: Deferred[Any] = listeners.addCallback(stop_writer)
        d.addCallback(stop_others)
        return d.addBoth(close_pools)

    def _gave_up(self, result: object, timeout: float) -> None:
        self.log.warn("shutdown: {n} fixes were not committed within {s}s; they stay "
                      "unacknowledged and the terminals will resend them",
                      n=self.writer.queue_depth, s=timeout)

    def metrics_text(self) -> str:
        return self.metrics.registry.render()
