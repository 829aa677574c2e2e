"""The one assembly point: settings in, a running service tree out."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from twisted.application.internet import TCPServer
from twisted.application.service import MultiService, Service
from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred, gatherResults, maybeDeferred
from twisted.internet.protocol import Factory
from twisted.logger import Logger
from twisted.python.failure import Failure

from db import retention, terminals
from db.pool import PositionStore, make_pool
from db.standby import Interactions, StandbyReads
from db.terminals import Admission
from dispatch.alert_sources import default_sources
from dispatch.parameters import CleaningParams
from egts_server.alert_watch import AlertWatch
from egts_server.codec.egts import kernels as egts_kernels
from egts_server.codec.egts import result_code_name
from egts_server.codec.ndtp import kernels as ndtp_kernels
from egts_server.config import ListenerSettings, Settings
from egts_server.database import database_dsn
from egts_server.fix_clock import ClockLimits
from egts_server.listener_settings import ProxyProtocolSettings
from egts_server.metrics import Gauge, IntakeMetrics
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
from egts_server.net.proxy_header import ProxyHeaderFactory
from egts_server.net.service import ListenerService
from egts_server.net.teltonika import TeltonikaFactory
from egts_server.net.wialon import WialonFactory
from egts_server.periodic import PeriodicService
from egts_server.retranslator import RetranslationService, register_delivery_metrics
from egts_server.sinks import BatchingWriter
from maps.api.storm_room import StormClockAlerts, StormGauges
from maps.metrics import MetricsResource, address_in
from maps.web import AccessLoggedSite, make_site

_DEFAULTS = CleaningParams()
#: intake's count of clock faults uses the coverage engine's own limits
_CLOCK_LIMITS = ClockLimits.of(_DEFAULTS.future_tolerance_s, _DEFAULTS.earliest_fix_year)


def utc_now() -> datetime:
    return datetime.now(UTC)


def accepting(factory: Factory[Any], listener: ProxyProtocolSettings, label: str, reactor: Any,
              timeout_s: float, metrics: IntakeMetrics) -> Factory[Any]:
    """What the listener's port accepts with: ``factory`` itself, or behind a load balancer
    (``proxy_protocol``) the PROXY header reader in front of it, counting its refusals in
    ``glonass_connections_refused_total`` under the listener's name."""
    if not listener.proxy_protocol:
        return factory
    networks = tuple(ipaddress.ip_network(n, strict=False) for n in listener.proxy_protocol_from)
    refused = metrics.connections_refused
    return ProxyHeaderFactory(factory, lambda host: address_in(host, networks), reactor=reactor,
                              timeout_s=timeout_s, label=label,
                              count=lambda reason: refused.labels(label.lower(),
                                                                  reason.value).inc())


class StormClockRefresh(PeriodicService):
    """Keeps the storm gauges of ``/metrics`` current: the open storm's clock every minute,
    whether or not anyone has the storm screen open."""

    log = Logger()

    def __init__(self, gauges: StormGauges, reactor: Any, interval_s: float = 60.0) -> None:
        super().__init__(interval_s, reactor)
        self._gauges = gauges

    def run(self) -> Deferred[None] | None:
        """One round; never fails (a failed call would stop the timer for good)."""
        if self._gauges.refresh is None:
            return None
        d = self._gauges.refresh()

        def failed(failure: Failure) -> None:
            self.log.warn("could not compute the storm clock ({error}); trying again later",
                          error=failure.getErrorMessage())

        return d.addErrback(failed)


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


class StandbyWatch(PeriodicService):
    """Measures the standby's lag every ``interval_s``, so reads follow it (``StandbyReads``)."""

    def __init__(self, reads: StandbyReads, reactor: Any, interval_s: float = 2.0) -> None:
        super().__init__(interval_s, reactor)
        self._reads = reads

    def run(self) -> Deferred[None]:
        return self._reads.check()


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
        self.metrics.codec_implementation.set(1, "egts", egts_kernels.ACTIVE.name)
        self.metrics.codec_implementation.set(1, "ndtp", ndtp_kernels.ACTIVE.name)
        self.write_pool = make_pool(dsn, max_connections=w.connections, reactor=reactor)
        self.read_pool = make_pool(dsn, max_connections=settings.database.pool_max,
                                   reactor=reactor)
        self.reads = self._reads_from(settings, reactor)
        self.writer = BatchingWriter(PositionStore(self.write_pool).store, reactor,
                                     batch_size=w.batch_size, max_queue=w.max_queue,
                                     retry_delay_s=w.retry_delay_s, concurrency=w.connections,
                                     linger_s=w.linger_s, metrics=self.metrics,
                                     clock_limits=_CLOCK_LIMITS)
        self.writer.setServiceParent(self)
        # last in the tree, so it starts (and freezes what exists) after everything else
        self.collector = CollectorSchedule(reactor, self.metrics.registry,
                                           interval_s=settings.intake.gc_interval_s,
                                           full_interval_s=settings.intake.gc_full_interval_s)
        LoopLag(reactor, self.metrics.registry).setServiceParent(self)
        self.storm_gauges = StormGauges()  # the open storm's clock: /metrics, alerts, /storm
        if not intake_worker:  # the first process keeps the database's partitions for all
            PartitionKeeper(self.read_pool, settings.database.partition_months_ahead, reactor,
                            clock).setServiceParent(self)
            if settings.alerts.enabled:
                sources = [*default_sources(settings.alerts.detect),
                           StormClockAlerts(self.storm_gauges, settings.site.zone)]
                AlertWatch(self.read_pool, sources, settings.alerts.interval_s, reactor,
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

        def admit(device: DeviceKey, imei: str | None, details: Mapping[str, str],
                  address: str) -> Deferred[Admission]:
            d: Deferred[Admission] = self.read_pool.runInteraction(
                terminals.admit, device.protocol, device.identifier, imei, details, policy,
                address)
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
                                      reuse_port=i.processes > 1,
                                      accept=accepting(factory, listener, factory.name.upper(),
                                                       reactor, i.login_timeout_s,
                                                       self.metrics))
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
                                  AccessLoggedSite(MetricsResource(self.metrics_text,
                                                                   settings.metrics.allow)),
                                  interface=settings.http.host, reactor=reactor)
        else:
            self._serve_web(settings, admit, clock, reactor)
        self.http.setServiceParent(self)
        self.collector.setServiceParent(self)

    def _reads_from(self, settings: Settings, reactor: Any) -> Interactions:
        """Where the pages, the API, coverage and exports read: the standby (``read_url``)
        while it keeps up, else the primary."""
        self.standby_pool: adbapi.ConnectionPool | None = None
        db = settings.database
        if not db.read_url:
            return self.read_pool
        self.standby_pool = make_pool(db.read_url, max_connections=db.pool_max, reactor=reactor,
                                      connect_timeout_s=2)
        reads = StandbyReads(self.read_pool, self.standby_pool, db.read_max_lag_s)
        StandbyWatch(reads, reactor).setServiceParent(self)
        for name, help_text, read in (
                ("glonass_database_reads_from_standby", "1 while reads go to the standby, 0 "
                 "while they go to the primary", lambda: float(reads.on_standby)),
                ("glonass_database_standby_lag_seconds", "The standby's replay lag at the last "
                 "check (+Inf: unreachable)", lambda: reads.lag_s),
                ("glonass_database_read_fallbacks", "Times reads went back to the primary "
                 "since start", lambda: float(reads.fallbacks))):
            self.metrics.registry.add(Gauge.from_callable(name, help_text, read))
        return reads

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
        storm = self.storm_gauges
        registry = self.metrics.registry
        registry.add(Gauge("storm_stretches", "Stretches of the storm by clock state",
                           ("state",), read=storm.stretches))
        registry.add(Gauge("storm_stretch_metres", "Metres of stretches by clock state",
                           ("state",), read=storm.metres))
        registry.add(Gauge.from_callable(
            "storm_breach_forecasts", "Stretches expected to miss their norm before it passes",
            storm.forecast_breaches))
        self.site = make_site(self.read_pool, settings.map, clock, reactor, settings.auth,
                              reads=self.reads,
                              metrics=MetricsResource(self.metrics_text, settings.metrics.allow),
                              nis=nis,
                              gtfs_rt=settings.gtfs_rt,
                              command_ttl_s=settings.commands.default_ttl_s,
                              public=settings.public, site_settings=settings.site,
                              name_result_code=result_code_name, storm_gauges=storm,
                              access_log=(str(settings.resolve(settings.http.access_log))
                                          if settings.http.access_log else None))
        StormClockRefresh(storm, reactor).setServiceParent(self)
        timeout_s = settings.intake.login_timeout_s
        self.http = TCPServer(settings.http.port,
                              accepting(self.site, settings.http, "HTTP", reactor, timeout_s,
                                        self.metrics),
                              interface=settings.http.host, reactor=reactor)
        if settings.osmand.enabled:
            osmand = AccessLoggedSite(OsmandResource(self.writer, admit, clock, self.metrics))
            TCPServer(settings.osmand.port,
                      accepting(osmand, settings.osmand, "OSMAND", reactor, timeout_s,
                                self.metrics),
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
            if self.standby_pool is not None:
                self.standby_pool.close()

        d: Deferred[Any] = listeners.addCallback(stop_writer)
        d.addCallback(stop_others)
        return d.addBoth(close_pools)

    def _gave_up(self, result: object, timeout: float) -> None:
        self.log.warn("shutdown: {n} fixes were not committed within {s}s; they stay "
                      "unacknowledged and the terminals will resend them",
                      n=self.writer.queue_depth, s=timeout)

    def metrics_text(self) -> str:
        return self.metrics.registry.render()
