"""Reads from a PostgreSQL streaming standby while it keeps up; from the primary otherwise.

``StandbyReads`` is the one place that decides where a read goes. It answers
``runInteraction`` like a pool, so whatever only reads (the pages, the API, coverage, exports)
takes it instead of the primary's pool; writes, sign-ins and reads of one's own writes keep the
primary's pool. ``check`` (every few seconds) measures the standby's replay lag: past
``max_lag_s``, or when the standby cannot be reached, reads go to the primary until a check
finds the standby fresh again. A read that fails because the standby went away is run again on
the primary at once, so no request fails for it. Each switch is logged; the state is counted
for ``/metrics``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any
from typing import Protocol as Interface

from twisted.internet.defer import Deferred
from twisted.logger import Logger
from twisted.python.failure import Failure

from db.pool import storage_unreachable

__all__ = ["Interactions", "StandbyReads", "replay_lag_s"]


class Interactions(Interface):
    """What reading code needs of a pool: one transaction in a pool thread."""

    def runInteraction(self, interaction: Callable[..., Any], *args: Any,  # noqa: N802
                       **kw: Any) -> Deferred[Any]: ...


def replay_lag_s(cur: Any) -> float:
    """Seconds the server behind ``cur`` replays behind its primary: 0 on a primary and on a
    standby that has replayed everything it received (an idle primary sends nothing, and the
    last replayed commit only gets older); else the age of the last replayed commit."""
    cur.execute(
        "SELECT CASE WHEN NOT pg_is_in_recovery()"
        " OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
        " ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()),"
        " 'Infinity') END")
    return max(0.0, float(cur.fetchone()[0]))


class StandbyReads:
    """``runInteraction`` on the standby while it is reachable and within ``max_lag_s``, else
    on the primary. Starts on the primary: the first ``check`` vouches for the standby."""

    log = Logger()

    def __init__(self, primary: Interactions, standby: Interactions, max_lag_s: float) -> None:
        self._primary = primary
        self._standby = standby
        self._max_lag_s = max_lag_s
        self.on_standby = False
        self.lag_s = math.inf  # as last measured (infinite: unreachable or not yet measured)
        self.fallbacks = 0  # times reads went back to the primary

    def runInteraction(self, interaction: Callable[..., Any], *args: Any,  # noqa: N802
                       **kw: Any) -> Deferred[Any]:
        if not self.on_standby:
            return self._primary.runInteraction(interaction, *args, **kw)
        d = self._standby.runInteraction(interaction, *args, **kw)
        return d.addErrback(self._on_primary_instead, interaction, args, kw)

    def _on_primary_instead(self, failure: Failure, interaction: Callable[..., Any],
                            args: tuple[Any, ...], kw: dict[str, Any]) -> Deferred[Any] | Failure:
        if not storage_unreachable(failure.value):
            return failure  # the read's own fault: the primary would refuse it too
        self._fall_back(f"unreachable ({failure.getErrorMessage().strip()})")
        return self._primary.runInteraction(interaction, *args, **kw)

    def check(self) -> Deferred[None]:
        """Measure the standby's lag and choose where reads go; never fails."""
        d: Deferred[float] = self._standby.runInteraction(replay_lag_s)
        return d.addCallbacks(self._measured, self._unreachable)

    def _measured(self, lag_s: float) -> None:
        self.lag_s = lag_s
        if lag_s > self._max_lag_s:
            self._fall_back(f"{lag_s:.1f}s behind, more than read_max_lag_s {self._max_lag_s:g}")
        elif not self.on_standby:
            self.on_standby = True
            self.log.info("reads go to the standby again ({lag:.1f}s behind)", lag=lag_s)

    def _unreachable(self, failure: Failure) -> None:
        self.lag_s = math.inf
        self._fall_back(f"unreachable ({failure.getErrorMessage().strip()})")

    def _fall_back(self, why: str) -> None:
        if self.on_standby or not self.fallbacks:
            self.log.warn("reads go to the primary: the standby is {why}", why=why)
            self.fallbacks += 1
        self.on_standby = False
