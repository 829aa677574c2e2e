"""More intake processes on the same ports (``intake.processes``), and their supervision.

CPython runs one thread of Python at a time, so one process decodes, stores and acknowledges
at most one core's worth of packets, and a busy reactor delays every acknowledgement behind
it. With ``intake.processes = N`` the ``serve`` process starts N - 1 copies of itself as intake
workers (``serve --intake-worker K``). Each listens on the same EGTS and NDTP ports
(``SO_REUSEPORT``: the kernel spreads new connections over the processes), has its own writer
and serves only ``/metrics``, on ``http.port + K``. What they share is in the database, as for
several servers behind a load balancer.

``IntakeWorkers`` (in the first process) starts them, starts again one that exits, and on
shutdown sends each SIGTERM and waits: every worker shuts down gracefully by itself, like the
first process. ``ParentWatch`` (in a worker) does the same when the first process disappears
without a word (SIGKILL), so no worker outlives it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from twisted.application.service import Service
from twisted.internet.defer import Deferred, gatherResults, succeed
from twisted.internet.error import ProcessExitedAlready
from twisted.internet.interfaces import IDelayedCall
from twisted.internet.protocol import ProcessProtocol
from twisted.logger import Logger
from twisted.python.failure import Failure

from egts_server.periodic import PeriodicService


class _Worker(ProcessProtocol):
    def __init__(self, owner: IntakeWorkers, index: int) -> None:
        self.owner = owner
        self.index = index
        self.ended: Deferred[None] = Deferred()

    def processEnded(self, reason: Failure) -> None:  # noqa: N802
        self.owner.ended(self, reason)
        self.ended.callback(None)


class IntakeWorkers(Service):
    """Runs ``count`` intake workers: ``python -m egts_server.cli <args> --intake-worker K``."""

    log = Logger()

    def __init__(self, reactor: Any, count: int, args: Sequence[str], *,
                 stop_timeout_s: float, restart_delay_s: float = 1.0) -> None:
        self._reactor = reactor
        self._count = count
        self._args = list(args)
        self._stop_timeout_s = stop_timeout_s
        self._restart_delay_s = restart_delay_s
        self.workers: dict[int, _Worker] = {}
        self._restarts: dict[int, IDelayedCall] = {}

    def startService(self) -> None:  # noqa: N802
        super().startService()
        for index in range(1, self._count + 1):
            self._spawn(index)

    def _spawn(self, index: int) -> None:
        self._restarts.pop(index, None)
        worker = _Worker(self, index)
        args = [sys.executable, "-m", "egts_server.cli", *self._args,
                "--intake-worker", str(index)]
        process = self._reactor.spawnProcess(worker, sys.executable, args, env=dict(os.environ),
                                             childFDs={1: 1, 2: 2})
        self.workers[index] = worker
        self.log.info("started intake worker {index} (pid {pid})", index=index, pid=process.pid)

    def ended(self, worker: _Worker, reason: Failure) -> None:
        if self.workers.get(worker.index) is worker:
            del self.workers[worker.index]
        if not self.running:
            return
        self.log.warn("intake worker {index} exited ({why}); starting it again in {delay}s",
                      index=worker.index, why=reason.getErrorMessage(),
                      delay=self._restart_delay_s)
        self._restarts[worker.index] = self._reactor.callLater(
            self._restart_delay_s, self._spawn, worker.index)

    def stopService(self) -> Deferred[None]:  # noqa: N802
        super().stopService()
        for restart in self._restarts.values():
            restart.cancel()
        self._restarts.clear()
        workers = list(self.workers.values())
        if not workers:
            return succeed(None)
        for worker in workers:
            _signal(worker, "TERM")
        kill = self._reactor.callLater(self._stop_timeout_s, self._kill, workers)

        def stopped(_: object) -> None:
            if kill.active():
                kill.cancel()

        return gatherResults([worker.ended for worker in workers]).addCallback(stopped)

    def _kill(self, workers: list[_Worker]) -> None:
        for worker in workers:
            if not worker.ended.called:
                self.log.warn("intake worker {index} did not stop in {s}s: killing it",
                              index=worker.index, s=self._stop_timeout_s)
                _signal(worker, "KILL")


def _signal(worker: _Worker, name: str) -> None:
    if worker.transport is not None:
        with contextlib.suppress(ProcessExitedAlready):  # it has just exited
            worker.transport.signalProcess(name)


class ParentWatch(PeriodicService):
    """In a worker: stop the reactor (a graceful shutdown) once the first process is gone."""

    log = Logger()

    def __init__(self, stop: Callable[[], None], reactor: Any, interval_s: float = 1.0) -> None:
        super().__init__(interval_s, reactor)
        self._stop = stop
        self._parent = os.getppid()
        self._gone = False

    def run(self) -> None:
        if not self._gone and os.getppid() != self._parent:
            self._gone = True
            self.log.warn("the first serve process (pid {pid}) is gone: shutting down",
                          pid=self._parent)
            self._stop()
