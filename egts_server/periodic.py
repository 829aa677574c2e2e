"""A service that does one thing on a schedule, from its start to its stop."""

from __future__ import annotations

from typing import Any

from twisted.application.internet import TimerService
from twisted.application.service import Service
from twisted.internet.defer import Deferred, maybeDeferred


class PeriodicService(Service):
    """Calls ``run`` at start and then every ``interval_s`` on ``reactor``'s clock.

    ``run`` must not fail: a failed call stops Twisted's timer for good, so subclasses turn
    their failures into log lines and try again next time.
    """

    def __init__(self, interval_s: float, reactor: Any) -> None:
        self._timer = TimerService(interval_s, self.run)
        self._timer.clock = reactor

    def startService(self) -> None:  # noqa: N802
        super().startService()
        self._timer.startService()

    def stopService(self) -> Deferred[None]:  # noqa: N802
        super().stopService()
        d: Deferred[None] = maybeDeferred(self._timer.stopService)
        return d

    def run(self) -> object:
        raise NotImplementedError
