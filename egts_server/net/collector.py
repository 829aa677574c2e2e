"""When Python's cyclic garbage collector runs, so it does not stall the acknowledgements.

With thousands of connections the process holds hundreds of thousands of long-lived objects.
CPython's automatic collector walks all of them in every full collection, and under load it
triggers those every few seconds (objects waiting for a commit get promoted, which counts
towards the next full collection): measured with ``tests/bench/load.py`` at 10,000 terminals,
full collections took about 0.5 s each and a third of the reactor's time. Even one pass over
the young generations after a ramp of 10,000 new connections stalled both intake processes
for 60-80 ms, and that was the largest burst in the terminals' ack latency.

Almost all garbage here is freed by reference counting (connections drop their reference
cycles when they close), so the collector only has a little cyclic garbage to find. The
schedule therefore:

* turns the automatic collector off and every ``interval_s`` collects what was created since
  the last round (cheap: a second's worth of objects still alive), then freezes the
  survivors: an object that outlived a round (a connection, its session) is long-lived and is
  not walked again;
* every ``full_interval_s`` unfreezes everything and collects it all, so cycles among frozen
  objects cannot pile up for good (one pause proportional to the number of live objects,
  logged);
* reports every collection's pause in ``process_gc_pause_seconds``.

Frozen objects are still freed by reference counting as usual; freezing only keeps the
collector from walking them. ``interval_s = 0`` leaves CPython's automatic collector as it is
(after freezing what exists at start-up).
"""

from __future__ import annotations

import gc
import time
from typing import Any

from twisted.application.service import Service
from twisted.internet.task import LoopingCall
from twisted.logger import Logger

from egts_server.metrics import Histogram, Registry

PAUSE_BUCKETS_S = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class CollectorSchedule(Service):
    """Collect and freeze new objects every ``interval_s``; everything every ``full_interval_s``."""

    log = Logger()

    def __init__(self, reactor: Any, registry: Registry, *, interval_s: float = 1.0,
                 full_interval_s: float = 3600.0) -> None:
        self._reactor = reactor
        self._interval_s = interval_s
        self._full_every = max(1, round(full_interval_s / interval_s)) if interval_s > 0 else 1
        self._runs = 0
        self._loop: LoopingCall | None = None
        self._started = 0.0
        self.pauses = registry.add(Histogram(
            "process_gc_pause_seconds", "Pauses of Python's cyclic garbage collector.",
            PAUSE_BUCKETS_S))

    def startService(self) -> None:  # noqa: N802
        super().startService()
        gc.callbacks.append(self._timed)
        gc.collect()
        gc.freeze()
        if self._interval_s > 0:
            gc.disable()
            self._loop = LoopingCall(self.collect)
            self._loop.clock = self._reactor
            self._loop.start(self._interval_s, now=False)

    def stopService(self) -> None:  # noqa: N802
        super().stopService()
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self._loop = None
        gc.unfreeze()
        gc.enable()
        if self._timed in gc.callbacks:
            gc.callbacks.remove(self._timed)

    def collect(self) -> None:
        """One scheduled round (never raises: a failed LoopingCall would stop for good)."""
        self._runs += 1
        full = self._runs % self._full_every == 0
        try:
            if full:
                gc.unfreeze()
            found = gc.collect(2 if full else 1)
            gc.freeze()
        except Exception:  # pragma: no cover (gc.collect does not raise in practice)
            self.log.failure("garbage collection failed")
            return
        if full:
            self.log.info("full garbage collection: {n} unreachable objects freed, {kept} "
                          "objects kept", n=found, kept=gc.get_freeze_count())

    def _timed(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.observe(time.perf_counter() - self._started)
