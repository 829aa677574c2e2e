"""Several intake processes on one port (``intake.processes``): shared load, nothing lost.

The first ``serve`` process starts the others (``serve --intake-worker K``); the kernel spreads
the terminals' connections over them. A worker that dies is started again and its terminals'
resends land once; a worker never outlives the first process; SIGTERM stops them all
gracefully.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.prometheus import scrape
from tests.reliability.harness import Fleet, ServerProcess, Terminal, wait_until

pytestmark = pytest.mark.reliability

OPENED = 'glonass_connections_opened_total{protocol="egts"}'


@pytest.fixture()
def server(rel_dsn: str, tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(rel_dsn, tmp_path, extra_config="[intake]\nprocesses = 2\n",
                           http_ports=2)
    server.start()
    try:
        wait_until(lambda: worker_metrics(server) is not None, 30, "the intake worker's /metrics")
    except AssertionError as e:
        server.kill()
        raise AssertionError(f"{e}\n{server.log_text()}") from None
    yield server
    workers = worker_pids(server)
    server.kill()
    for pid in workers:  # never leave one behind, whatever the test did
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def worker_pids(server: ServerProcess) -> list[int]:
    try:
        with open(f"/proc/{server.pid}/task/{server.pid}/children") as f:
            return [int(pid) for pid in f.read().split()]
    except FileNotFoundError:
        return []


def worker_metrics(server: ServerProcess) -> dict[str, float] | None:
    try:
        return scrape(server.http_port + 1, timeout=2)
    except OSError:
        return None


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def fleet_of(n: int, fixes: int, first: int) -> Fleet:
    return Fleet([Terminal(tid=first + k, total=fixes, per_packet=1 + k % 2, window=4,
                           interval_s=0.005) for k in range(n)])


def test_both_processes_take_connections_and_every_fix_lands_once(
        rel_dsn: str, server: ServerProcess) -> None:
    """40 terminals end up on both processes; all their fixes are stored exactly once, and
    SIGTERM stops the worker as well as the first process."""
    fleet = fleet_of(40, 30, 930_000)
    try:
        fleet.start(server.egts_port, time.monotonic() + 60)
        wait_until(fleet.done, 40, "every fix acknowledged")
    finally:
        fleet.join(5)
    first, second = server.metrics(), worker_metrics(server)
    assert second is not None
    assert first.get(OPENED, 0) > 0 and second.get(OPENED, 0) > 0
    assert first[OPENED] + second[OPENED] >= 40
    workers = worker_pids(server)
    assert len(workers) == 1
    assert server.terminate() == 0
    wait_until(lambda: not alive(workers[0]), 15, "the worker to stop with the first process")
    fleet.assert_stored_exactly_once(rel_dsn, total=40 * 30)


def test_a_killed_worker_is_replaced_and_its_terminals_lose_nothing(
        rel_dsn: str, server: ServerProcess) -> None:
    """SIGKILL of the worker mid-stream: its terminals reconnect and resend; a new worker
    takes its place; every acknowledged fix is stored exactly once."""
    fleet = fleet_of(30, 60, 940_000)
    (worker,) = worker_pids(server)
    try:
        fleet.start(server.egts_port, time.monotonic() + 60)
        wait_until(lambda: fleet.acked() >= 30 * 60 // 4, 30, "a quarter of the fixes")
        os.kill(worker, signal.SIGKILL)
        wait_until(fleet.done, 40, "every fix acknowledged after the worker died")
    finally:
        fleet.join(5)
    wait_until(lambda: worker_pids(server) not in ([], [worker]), 15, "a new worker")
    wait_until(lambda: worker_metrics(server) is not None, 30, "the new worker's /metrics")
    fleet.assert_stored_exactly_once(rel_dsn, total=30 * 60)


def test_a_worker_does_not_outlive_the_first_process(server: ServerProcess) -> None:
    """The first process dies by SIGKILL: its worker notices and shuts down by itself."""
    (worker,) = worker_pids(server)
    server.kill()
    wait_until(lambda: not alive(worker), 20, "the orphaned worker to stop")


def test_sigterm_to_the_whole_group_shuts_down_cleanly(server: ServerProcess) -> None:
    """A service manager signals every process and the first one passes SIGTERM on as well:
    the worker is signalled twice and still stops once, without a traceback."""
    (worker,) = worker_pids(server)
    os.kill(worker, signal.SIGTERM)
    assert server.terminate() == 0
    wait_until(lambda: not alive(worker), 20, "the worker to stop")
    log = server.log_text()
    assert "Traceback" not in log and "ReactorNotRunning" not in log, log[-3000:]
