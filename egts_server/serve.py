"""``glonass-dispatch serve``: prepare the database, start the service tree, run the reactor.

With ``intake.processes`` > 1 this process also starts and supervises the extra intake
processes (``net.workers``); each of those runs ``serve --intake-worker K``.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from typing import Any

import psycopg2
from twisted.logger import (
    FilteringLogObserver,
    Logger,
    LogLevel,
    LogLevelFilterPredicate,
    globalLogBeginner,
    jsonFileLogObserver,
    textFileLogObserver,
)

from db.migrate import migrate
from egts_server.app import Application
from egts_server.config import Settings, tracker_ports, with_trackers_on
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


def prepare_database(settings: Settings) -> bool:
    """Start the embedded cluster when no external database is configured; migrate; seed.

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
        from db.seed import seed_demo

        with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
            counts = seed_demo(cur)
        if counts:
            log.info("seeded the demo city: {counts}", counts=counts)
    return started


def serve(settings: Settings, *, simulate: int = 0, simulate_interval_s: float = 5.0,
          log_format: str = "text", intake_worker: int = 0) -> int:
    from twisted.internet import reactor

    start_logging(log_format)
    if intake_worker:
        return serve_intake_worker(settings, intake_worker, reactor)
    if simulate:  # the demo's trackers need their listeners
        settings = with_trackers_on(settings)
    stop_cluster = prepare_database(settings)
    stop_once(reactor)
    app = Application(settings, reactor)
    if settings.intake.processes > 1:  # stopped alongside the application, not after it
        workers = IntakeWorkers(reactor, settings.intake.processes - 1, sys.argv[1:],
                                stop_timeout_s=settings.intake.shutdown_timeout_s + 5)
        workers.startService()
        reactor.addSystemEventTrigger("before", "shutdown", workers.stopService)
    if simulate:
        from egts_server.simulator.fleet import SimulatedFleet

        host = "127.0.0.1" if settings.egts.host in ("0.0.0.0", "::") else settings.egts.host
        # with the NDTP listener on, each vehicle speaks its own protocol (buses NDTP, a few
        # road machines each tracker protocol, the rest EGTS)
        SimulatedFleet(reactor, host, settings.egts.port, count=simulate,
                       interval_s=simulate_interval_s,
                       protocol="mixed" if settings.ndtp.enabled else "egts",
                       ndtp_port=settings.ndtp.port,
                       tracker_ports=tracker_ports(settings)).setServiceParent(app)
    app.startService()
    reactor.addSystemEventTrigger("before", "shutdown", app.stopService)
    http_host = "localhost" if settings.http.host in ("0.0.0.0", "::") else settings.http.host
    trackers = "".join(f"{name}: {'http' if name == 'osmand' else 'tcp'}/{port}   "
                       for name, port in tracker_ports(settings, enabled_only=True).items())
    log.info("live map: http://{host}:{port}/   EGTS: tcp/{egts}   NDTP: tcp/{ndtp}   "
             "{trackers}API: /api/vehicles   NIS: POST /nis", host=http_host,
             port=settings.http.port, egts=settings.egts.port, trackers=trackers,
             ndtp=settings.ndtp.port if settings.ndtp.enabled else "off")
    reactor.run()  # type: ignore[attr-defined]
    if stop_cluster:
        embedded_cluster(settings).stop()
    return 0


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
