"""How late the reactor runs its timers: the first sign of an overloaded intake process.

Every acknowledgement is written from the reactor's thread, so when it is busy (a burst of
packets, a garbage-collection pause, the process waiting for a CPU) every terminal on that
process waits too. A timer due every ``interval_s`` measures by how much it fired late; the
lateness goes to the ``glonass_reactor_lag_seconds`` histogram on ``/metrics``, per process.
"""

from __future__ import annotations

from typing import Any

from egts_server.metrics import Histogram, Registry
from egts_server.periodic import PeriodicService

LAG_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class LoopLag(PeriodicService):
    """Observes each tick's lateness (the time since the previous tick beyond ``interval_s``)."""

    def __init__(self, reactor: Any, registry: Registry, interval_s: float = 0.1) -> None:
        super().__init__(interval_s, reactor)
        self._seconds = reactor.seconds
        self._interval_s = interval_s
        self._last: float | None = None
        self.lag = registry.add(Histogram(
            "glonass_reactor_lag_seconds",
            f"How late the reactor ran a timer due every {interval_s:g} s (this process).",
            LAG_BUCKETS_S))

    def stopService(self) -> Any:  # noqa: N802
        self._last = None
        return super().stopService()

    def run(self) -> None:
        now = self._seconds()
        if self._last is not None:
            self.lag.observe(max(0.0, now - self._last - self._interval_s))
        self._last = now
