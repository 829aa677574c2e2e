"""``glonass-dispatch serve``: prepare the database, start the service tree, run the reactor.

With ``intake.processes`` > 1 this process also starts and supervises the extra intake
processes (``net.workers``); each of those runs ``serve --intake-worker K``.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

import psycopg2
from twisted.internet.error import CannotListenError
from twisted.logger import (
    FilteringLogObserver,
    ILogObserver,
    Logger,
    LogLevel,
    LogLevelFilterPredicate,
    globalLogBeginner,
    globalLogPublisher,
    jsonFileLogObserver,
    textFileLogObserver,
)
from zope.interface import provider

from db.migrate import migrate
from egts_server.app import Application
from egts_server.config import ConfigError, Settings, tracker_ports, with_trackers_on
from egts_server.database import database_dsn, embedded_cluster
from egts_server.net.workers import IntakeWorkers, ParentWatch

log = Logger()


def start_logging(log_format: str) -> None:
    observer = (jsonFileLogObserver(sys.stdout) if log_format == "json"
                else textFileLogObserver(sys.stdout))
    predicate = LogLevelFilterPredicate(defaultLogLevel=LogLevel.info)
    globalLogBeginner.beginLoggingTo([FilteringLogObserver(observer, [predicate])],
                                     redirectStandardIO=False)


def stop_once(reactor: Any) -> Callable[[], None]:
    """A stop for the reactor that acts once, also bound to SIGTERM and SIGINT.

    A worker is signalled twice when a service manager signals the whole group and the first
    process passes the signal on too; Twisted's own handler would then fail with
    ReactorNotRunning in the middle of the graceful shutdown.
    """
    stopping = False

    def stop() -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            reactor.stop()

    def on_signal(signum: int, frame: object) -> None:
        reactor.callFromThread(stop)

    def install() -> None:  # after the reactor installed its own handlers
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, on_signal)

    reactor.callWhenRunning(install)
    return stop


def prepare_database(settings: Settings, *, storm_in_progress: bool = False) -> bool:
    """Start the embedded cluster when no external database is configured; migrate; seed
    (with ``storm_in_progress``, for a simulated fleet, also a storm for it to work).

    Returns whether we started the cluster (so we stop it again on the way out).
    """
    started = False
    if not settings.database.url:
        cluster = embedded_cluster(settings)
        started = not (cluster.is_initialised() and cluster.is_running())
        cluster.start()
        log.info("embedded PostGIS: {status}", status=cluster.status())
    dsn = database_dsn(settings)
    for name in migrate(dsn):
        log.info("applied migration {name}", name=name)
    if settings.demo.seed_when_empty:
        from db.seed import ensure_demo_bus_lines, ensure_demo_storm, seed_demo

        with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
            counts = seed_demo(cur)
            if not counts and (lines := ensure_demo_bus_lines(cur)):  # seeded before lines were
                counts = {"bus_lines": lines}
            storm_id = ensure_demo_storm(cur, datetime.now(UTC)) if storm_in_progress else None
        if counts:
            log.info("seeded the demo city: {counts}", counts=counts)
        if storm_id is not None:
            log.info("declared the demo storm {id}: see /storm", id=storm_id)
    return started


def port_key(settings: Settings, port: int) -> str:
    """The configuration key that asked for ``port`` (``http.port``, ``egts.port``, ...)."""
    for section in fields(settings):
        if getattr(getattr(settings, section.name), "port", None) == port:
            return f"{section.name}.port"
    return "port"


def busy_reason(error: CannotListenError) -> str:
    socket_error = error.socketError
    if isinstance(socket_error, OSError) and socket_error.strerror:
        return socket_error.strerror
    return str(socket_error)


def announce_urls(settings: Settings) -> None:
    http_host = "localhost" if settings.http.host in ("0.0.0.0", "::") else settings.http.host
    trackers = "".join(f"{name}: {'http' if name == 'osmand' else 'tcp'}/{port}   "
                       for name, port in tracker_ports(settings, enabled_only=True).items())
    log.info("live map: http://{host}:{port}/   EGTS: tcp/{egts}   NDTP: tcp/{ndtp}   "
             "{trackers}API: /api/vehicles   NIS: POST /nis", host=http_host,
             port=settings.http.port, egts=settings.egts.port, trackers=trackers,
             ndtp=settings.ndtp.port if settings.ndtp.enabled else "off")


def after_fleet_logged_in(count: int, then: Callable[[], None], reactor: Any) -> None:
    """Call ``then`` once ``count`` terminals have logged in: the demo fleet's login lines
    would otherwise push the URLs off the screen a moment after start-up."""
    seen: set[str] = set()

    @provider(ILogObserver)
    def watch(event: dict[str, Any]) -> None:
        if event.get("verdict") == "accepted" and "terminal_id" in event:
            seen.add(str(event.get("terminal")))
            if len(seen) == count:
                globalLogPublisher.removeObserver(watch)
                reactor.callLater(0, then)

    globalLogPublisher.addObserver(watch)


def serve(settings: Settings, *, simulate: int = 0, simulate_interval_s: float = 5.0,
          log_format: str = "text", intake_worker: int = 0) -> int:
    from twisted.internet import reactor

    start_logging(log_format)
    if intake_worker:
        return serve_intake_worker(settings, intake_worker, reactor)
    if simulate:  # the demo's trackers need their listeners
        settings = with_trackers_on(settings)
    stop_cluster = prepare_database(settings, storm_in_progress=simulate > 0)
    stop_once(reactor)
    app = Application(settings, reactor)
    if settings.intake.processes > 1:  # stopped alongside the application, not after it
        workers = IntakeWorkers(reactor, settings.intake.processes - 1, sys.argv[1:],
                                stop_timeout_s=settings.intake.shutdown_timeout_s + 5)
        workers.startService()
        reactor.addSystemEventTrigger("before", "shutdown", workers.stopService)
    if simulate:
        from egts_server.simulator.fleet import SimulatedFleet

        after_fleet_logged_in(simulate, lambda: _fleet_up(settings, simulate), reactor)
        host = "127.0.0.1" if settings.egts.host in ("0.0.0.0", "::") else settings.egts.host
        # with the NDTP listener on, each vehicle speaks its own protocol (buses NDTP, a few
        # road machines each tracker protocol, the rest EGTS)
        SimulatedFleet(reactor, host, settings.egts.port, count=simulate,
                       interval_s=simulate_interval_s,
                       protocol="mixed" if settings.ndtp.enabled else "egts",
                       ndtp_port=settings.ndtp.port,
                       tracker_ports=tracker_ports(settings)).setServiceParent(app)
    try:
        app.startService()
    except CannotListenError as e:  # another serve (or program) holds a port: say which
        app.stopService()
        if stop_cluster:
            embedded_cluster(settings).stop()
        raise ConfigError(f"port {e.port} ({port_key(settings, e.port)}) is busy "
                          f"({busy_reason(e)}): is another `glonass-dispatch serve` running? "
                          "Stop it, or set other ports in the config") from None
    reactor.addSystemEventTrigger("before", "shutdown", app.stopService)
    announce_urls(settings)
    reactor.run()  # type: ignore[attr-defined]
    if stop_cluster:
        embedded_cluster(settings).stop()
    return 0


def _fleet_up(settings: Settings, count: int) -> None:
    log.info("the demo fleet is on the road: {n} terminals logged in", n=count)
    announce_urls(settings)


def serve_intake_worker(settings: Settings, index: int, reactor: Any) -> int:
    """An extra intake process: the database is ready (the first process saw to it)."""
    app = Application(settings, reactor, intake_worker=index)
    ParentWatch(stop_once(reactor), reactor).setServiceParent(app)
    app.startService()
    reactor.addSystemEventTrigger("before", "shutdown", app.stopService)
    log.info("intake worker {index}: EGTS tcp/{egts}, /metrics on http port {http}", index=index,
             egts=settings.egts.port, http=settings.http.port + index)
    reactor.run()
    return 0
