"""Where reads go: the decisions of ``StandbyReads`` on the answers of two stand-in pools, and
which database errors mean the server went away."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import psycopg2
from twisted.internet.defer import Deferred, fail, succeed

from db.standby import StandbyReads


class Server:
    """Runs each interaction on a name (to see which server read), or fails with ``down``."""

    def __init__(self, name: str, lag_s: float = 0.0) -> None:
        self.name, self.lag_s = name, lag_s
        self.down: Exception | None = None

    def runInteraction(self, interaction: Callable[..., Any], *args: Any,  # noqa: N802
                       **kw: Any) -> Deferred[Any]:
        if self.down is not None:
            return fail(self.down)
        if interaction.__name__ == "replay_lag_s":
            return succeed(self.lag_s)
        try:
            return succeed(interaction(self.name, *args, **kw))
        except Exception as e:  # a transaction's error fails its Deferred, as in a real pool
            return fail(e)


def where(cur: str) -> str:
    return cur


def refused(cur: str) -> str:
    raise LookupError(f"no such route on {cur}")


def result(d: Deferred[Any]) -> Any:
    out: list[Any] = []
    d.addBoth(out.append)
    return out[0]


def routed(lag_s: float = 0.0) -> tuple[StandbyReads, Server, Server]:
    primary, standby = Server("primary"), Server("standby", lag_s)
    return StandbyReads(primary, standby, max_lag_s=5.0), primary, standby


def test_reads_start_on_the_primary_until_a_check_vouches_for_the_standby() -> None:
    """Before the first check nothing is known of the standby."""
    reads, _, _ = routed()
    assert result(reads.runInteraction(where)) == "primary"
    result(reads.check())
    assert (reads.on_standby, reads.lag_s) == (True, 0.0)
    assert result(reads.runInteraction(where)) == "standby"


def test_lag_past_the_limit_sends_reads_to_the_primary_and_back_when_caught_up() -> None:
    """Six seconds behind with a five-second limit: primary; two seconds: standby again."""
    reads, _, standby = routed(lag_s=1.0)
    result(reads.check())
    standby.lag_s = 6.0
    result(reads.check())
    assert (reads.on_standby, reads.lag_s, reads.fallbacks) == (False, 6.0, 1)
    assert result(reads.runInteraction(where)) == "primary"
    standby.lag_s = 2.0
    result(reads.check())
    assert result(reads.runInteraction(where)) == "standby"


def test_a_read_failing_on_a_vanished_standby_is_answered_by_the_primary() -> None:
    """The connection broke: the same read runs on the primary, and later ones start there."""
    reads, _, standby = routed()
    result(reads.check())
    standby.down = psycopg2.OperationalError("server closed the connection unexpectedly")
    assert result(reads.runInteraction(where)) == "primary"
    assert (reads.on_standby, reads.fallbacks) == (False, 1)
    result(reads.check())
    assert (reads.on_standby, reads.lag_s, reads.fallbacks) == (False, math.inf, 1)


def test_a_read_refused_for_its_own_sake_fails_without_switching() -> None:
    """An error of the read itself would happen on the primary too: it is the answer."""
    reads, _, _ = routed()
    result(reads.check())
    failure = result(reads.runInteraction(refused))
    assert failure.check(LookupError) and failure.getErrorMessage() == "no such route on standby"
    assert reads.on_standby

