"""Intake worker processes: started with their index, started again when one exits, stopped
with SIGTERM (SIGKILL past the timeout); a worker stops itself once the first process is gone.
The processes are the reactor's: a clock reactor that records what it would spawn."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from twisted.internet.error import ProcessDone, ProcessTerminated
from twisted.internet.testing import MemoryReactorClock
from twisted.python.failure import Failure

from egts_server.net import workers
from egts_server.net.workers import IntakeWorkers, ParentWatch

ARGS = ["serve", "--config", "site.toml"]


class Process:
    """The transport of a spawned process: its pid and the signals it got."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.signals: list[str] = []

    def signalProcess(self, name: str) -> None:  # noqa: N802
        self.signals.append(name)


class Reactor(MemoryReactorClock):
    def __init__(self) -> None:
        super().__init__()
        self.spawned: list[tuple[Any, list[str], Process]] = []

    def spawnProcess(self, protocol: Any, executable: str, args: list[str],  # noqa: N802
                     env: dict[str, str], childFDs: dict[int, int]) -> Process:  # noqa: N803
        assert executable == sys.executable and childFDs == {1: 1, 2: 2}
        process = Process(1000 + len(self.spawned))
        protocol.makeConnection(process)
        self.spawned.append((protocol, args, process))
        return process

    def exit(self, index: int, reason: Exception) -> None:
        """The ``index``-th spawned process ends."""
        self.spawned[index][0].processEnded(Failure(reason))


def started(count: int = 2) -> tuple[IntakeWorkers, Reactor]:
    reactor = Reactor()
    service = IntakeWorkers(reactor, count, ARGS, stop_timeout_s=10, restart_delay_s=1.0)
    service.startService()
    return service, reactor


def test_each_worker_is_this_program_with_its_index() -> None:
    service, reactor = started(2)
    assert [args for _, args, _ in reactor.spawned] == [
        [sys.executable, "-m", "egts_server.cli", *ARGS, "--intake-worker", "1"],
        [sys.executable, "-m", "egts_server.cli", *ARGS, "--intake-worker", "2"],
    ]
    assert sorted(service.workers) == [1, 2]


def test_a_worker_that_exits_is_started_again_after_the_delay() -> None:
    service, reactor = started(2)
    reactor.exit(1, ProcessTerminated(signal=9))
    assert sorted(service.workers) == [1]
    reactor.advance(0.9)
    assert len(reactor.spawned) == 2
    reactor.advance(0.1)
    assert reactor.spawned[2][1][-2:] == ["--intake-worker", "2"]
    assert service.workers[2] is reactor.spawned[2][0]


def test_stop_sends_sigterm_and_waits_for_every_worker() -> None:
    service, reactor = started(2)
    stopped: list[object] = []
    service.stopService().addBoth(stopped.append)
    assert [process.signals for *_, process in reactor.spawned] == [["TERM"], ["TERM"]]
    reactor.exit(0, ProcessDone(0))
    assert stopped == []
    reactor.exit(1, ProcessDone(0))
    assert stopped == [None]
    reactor.advance(60)
    assert len(reactor.spawned) == 2  # nothing restarted, nobody killed
    assert [process.signals for *_, process in reactor.spawned] == [["TERM"], ["TERM"]]


def test_a_worker_still_running_past_the_timeout_is_killed() -> None:
    service, reactor = started(2)
    service.stopService()
    reactor.exit(0, ProcessDone(0))
    reactor.advance(10)
    assert [process.signals for *_, process in reactor.spawned] == [["TERM"], ["TERM", "KILL"]]


def test_stop_cancels_a_pending_restart() -> None:
    service, reactor = started(1)
    reactor.exit(0, ProcessTerminated(exitCode=1))
    stopped: list[object] = []
    service.stopService().addBoth(stopped.append)
    assert stopped == [None]
    reactor.advance(5)
    assert len(reactor.spawned) == 1


def test_a_worker_stops_once_its_parent_is_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers.os, "getppid", lambda: 4321)
    stops: list[None] = []
    reactor = MemoryReactorClock()
    watch = ParentWatch(lambda: stops.append(None), reactor, interval_s=1.0)
    watch.startService()
    reactor.advance(5)
    assert stops == []
    monkeypatch.setattr(workers.os, "getppid", lambda: 1)  # re-parented to init
    reactor.advance(1)
    reactor.advance(1)
    assert stops == [None]
