"""The alert job: every ``alerts.interval_s``, judge the fleet and store what holds.

A run reads a snapshot in the database pool, runs the alert sources in the reactor's thread
pool (seconds of numpy and shapely on a big fleet must not hold back acknowledgements), then
stores the conditions with ``db.alerts.sync`` in one transaction. Only the first process runs
it; the database's unique index keeps one open alert per vehicle and kind regardless.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThread
from twisted.logger import Logger
from twisted.python.failure import Failure

from db import alerts as store
from db.pool import storage_unreachable
from dispatch.alerts import AlertParams, AlertSource, Condition, FleetSnapshot, detect, lookback_s
from egts_server.periodic import PeriodicService

__all__ = ["AlertSettings", "AlertWatch"]


@dataclass(frozen=True, slots=True)
class AlertSettings:
    """The ``[alerts]`` section: whether and how often to look; ``[alerts.detect]``: the
    thresholds of the sources."""

    enabled: bool = True
    interval_s: float = 60.0
    detect: AlertParams = field(default_factory=AlertParams)


class AlertWatch(PeriodicService):
    """Raises, refreshes and closes alerts from ``sources`` on a schedule."""

    log = Logger()

    def __init__(self, pool: adbapi.ConnectionPool, sources: Sequence[AlertSource],
                 interval_s: float, reactor: Any, clock: Callable[[], datetime], *,
                 in_thread: Callable[..., Deferred[Any]] = deferToThread) -> None:
        super().__init__(interval_s, reactor)
        self._pool = pool
        self._in_thread = in_thread
        self._sources = list(sources)
        self._clock = clock
        self._kinds = sorted({kind for source in self._sources for kind in source.kinds})
        self._lookback_s = lookback_s(self._sources)

    def run(self) -> Deferred[None]:
        """One round; never fails (a failed call would stop the timer for good)."""
        now = self._clock()
        read: Deferred[FleetSnapshot] = self._pool.runInteraction(
            store.fleet_snapshot, now, self._lookback_s)
        found = read.addCallback(self._judge)
        stored = found.addCallback(self._store, now)
        return stored.addCallbacks(self._done, self._failed)

    def _judge(self, snapshot: FleetSnapshot) -> Deferred[list[Condition]]:
        found: Deferred[list[Condition]] = self._in_thread(detect, self._sources, snapshot)
        return found

    def _store(self, found: list[Condition], now: datetime) -> Deferred[store.Synced]:
        d: Deferred[store.Synced] = self._pool.runInteraction(store.sync, found, self._kinds,
                                                              now)
        return d

    def _done(self, synced: store.Synced) -> None:
        if synced.raised or synced.cleared:
            self.log.info("alerts: {raised} raised, {cleared} closed", raised=synced.raised,
                          cleared=synced.cleared)

    def _failed(self, failure: Failure) -> None:
        if storage_unreachable(failure.value):  # an outage says so in one line, not a trace
            self.log.warn("alerts not judged, the database is unreachable ({error}); trying "
                          "again next time", error=failure.getErrorMessage().strip())
            return
        self.log.failure("alert run failed; trying again next time", failure)
