"""Driving a real ``glonass-dispatch serve`` process and a fleet of resending test terminals.

The terminals are built only from ``tests.builders.egts`` (a second implementation of the
standard) and behave like real ones: they keep every fix until it is acknowledged, resend
whatever was not acknowledged after a reconnect, and send up to ``window`` packets ahead.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg2

from egts_server.config import Settings
from tests.builders import egts as build
from tests.conftest import REPO, free_port
from tests.egts_terminal import Reply, frame_size, parse_reply
from tests.prometheus import scrape

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def wait_until(condition: Callable[[], bool], timeout_s: float, what: str,
               interval_s: float = 0.05) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
        time.sleep(interval_s)


# -- the server process ------------------------------------------------------------------------


def free_port_run(n: int) -> int:
    """A free port whose next ``n - 1`` ports are free too (intake worker K: HTTP port + K)."""
    while True:
        first = free_port()
        try:
            for port in range(first + 1, first + n):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first


class ServerProcess:
    """``glonass-dispatch serve`` on fixed ports, so it can be killed and started again."""

    def __init__(self, dsn: str, workdir: Path, extra_config: str = "",
                 http_ports: int = 1) -> None:
        self.dsn = dsn
        self.egts_port, self.http_port = free_port(), free_port_run(http_ports)
        self.config = workdir / "config.toml"
        other_listeners = "".join(
            f"[{name}]\nhost = \"127.0.0.1\"\nport = {free_port()}\n"
            for name in ("ndtp",) if hasattr(Settings(), name))  # never a fixed default port
        self.config.write_text(
            f"[egts]\nhost = \"127.0.0.1\"\nport = {self.egts_port}\n"
            f"[http]\nhost = \"127.0.0.1\"\nport = {self.http_port}\n"
            "[demo]\nseed_when_empty = false\n" + other_listeners + extra_config)
        self.log_path = workdir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 30.0) -> None:
        env = {**os.environ, "DATABASE_URL": self.dsn, "GLONASS_DISPATCH_HOME": str(REPO)}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "egts_server.cli", "--config", str(self.config), "serve"],
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO)
        deadline = time.monotonic() + timeout_s
        while not self.healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("server did not start:\n" + self.log_path.read_text())
            time.sleep(0.05)

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/healthz",
                                        timeout=2) as r:
                return bool(r.status == 200)
        except OSError:
            return False

    def metrics(self) -> dict[str, float]:
        """``/metrics`` as {"name{labels}": value}."""
        return scrape(self.http_port, timeout=5)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def rss_bytes(self) -> int:
        with open(f"/proc/{self.pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def kill(self) -> None:
        """SIGKILL: no chance to flush or acknowledge anything."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def terminate(self, timeout_s: float = 30.0) -> int:
        """SIGTERM and wait for the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout_s)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


# -- the terminals -----------------------------------------------------------------------------


def fix_for(tid: int, i: int) -> dict[str, Any]:
    """The i-th fix of terminal ``tid``: unique time, a short drive."""
    return {"time": T0 + timedelta(seconds=5 * i), "lat": 50.5 + (tid % 100) * 1e-3 + i * 1e-5,
            "lon": 137.0 + i * 1e-5, "speed_kmh": 20.0, "course": (i * 3) % 360, "vld": True}


@dataclass
class Terminal:
    """One resending terminal: its black box of fixes and what the platform confirmed."""

    tid: int
    total: int
    per_packet: int = 1
    window: int = 4
    interval_s: float = 0.0  # least time between two sends (latency is measured apart)
    acked: set[int] = field(default_factory=set)
    ack_times: list[float] = field(default_factory=list)  # monotonic time of each ack
    latencies: list[float] = field(default_factory=list)  # send -> ack of each packet
    connects: int = 0
    errors: list[str] = field(default_factory=list)
    sent_limit: int | None = None  # only fixes below this index may be sent (None: all)

    def done(self) -> bool:
        return len(self.acked) == self.total

    def run(self, port: int, stop: threading.Event, deadline: float) -> None:
        """Connect, log in, stream; on any break reconnect and resend the unacknowledged."""
        while not self.done() and not stop.is_set() and time.monotonic() < deadline:
            try:
                self._session(port, stop, deadline)
            except (OSError, ConnectionError, AssertionError, struct.error) as e:
                self.errors.append(f"{type(e).__name__}: {e}")
                time.sleep(0.05 + 0.1 * (self.tid % 5) / 5)

    def _session(self, port: int, stop: threading.Event, deadline: float) -> None:
        sock = socket.create_connection(("127.0.0.1", port), timeout=2)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.connects += 1
        reader = _Frames(sock)
        try:
            pid = rn = 0
            sock.sendall(build.packet(pid=pid, records=[
                build.auth_record(rn=rn, tid=self.tid, oid=self.tid)]))
            pid, rn = pid + 1, rn + 1
            response = parse_reply(reader.frame(deadline))
            assert response.pt == 0 and response.pr == 0, "login packet refused"
            result = parse_reply(reader.frame(deadline))
            assert result.result_code == 0, f"login result {result.result_code}"
            sock.sendall(build.record_ack(rpid=result.pid, pid=pid, sst=1, confirmed=[
                (r, 0) for r, _ in result.records]))
            pid += 1
            in_flight: dict[int, tuple[list[int], float]] = {}
            queue = [i for i in range(self.total) if i not in self.acked]
            next_send = time.monotonic()
            while not stop.is_set() and time.monotonic() < deadline:
                limit = self.total if self.sent_limit is None else self.sent_limit
                while queue and len(in_flight) < self.window and queue[0] < limit and \
                        time.monotonic() >= next_send:
                    chunk = [i for i in queue[:self.per_packet] if i < limit]
                    del queue[:len(chunk)]
                    records = [build.pos_record(rn=(rn + k) & 0xFFFF, oid=self.tid,
                                                **fix_for(self.tid, i))
                               for k, i in enumerate(chunk)]
                    rn += len(chunk)
                    try:
                        sock.sendall(build.packet(pid=pid & 0xFFFF, records=records))
                    except OSError:
                        self._drain(reader, in_flight, deadline)  # read what was answered
                        raise
                    in_flight[pid & 0xFFFF] = (chunk, time.monotonic())
                    pid += 1
                    next_send = time.monotonic() + self.interval_s
                if not in_flight:
                    if not queue:
                        return
                    time.sleep(max(0.001, min(0.01, next_send - time.monotonic())))
                    continue
                can_send = bool(queue) and len(in_flight) < self.window and queue[0] < limit
                frame = reader.next(deadline, until=next_send if can_send else None)
                if frame is not None:
                    self._take(parse_reply(frame), in_flight)
        finally:
            sock.close()

    def _take(self, reply: Reply, in_flight: dict[int, tuple[list[int], float]]) -> None:
        if reply.pt != 0 or reply.rpid not in in_flight:
            return
        assert reply.pr == 0 and all(rst == 0 for _, rst in reply.confirmed), \
            f"packet {reply.rpid} answered {reply.pr} {reply.confirmed}"
        chunk, sent_at = in_flight.pop(reply.rpid)
        now = time.monotonic()
        self.acked.update(chunk)
        self.ack_times.append(now)
        self.latencies.append(now - sent_at)

    def _drain(self, reader: _Frames, in_flight: dict[int, tuple[list[int], float]],
               deadline: float) -> None:
        """The platform closed while we were sending: take every reply it wrote before."""
        while in_flight:
            try:
                self._take(parse_reply(reader.frame(deadline)), in_flight)
            except (OSError, ConnectionError, struct.error):
                return


class _Frames:
    """Cuts EGTS frames from a blocking socket (length fields only; parse_reply checks CRCs)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buf = b""

    def next(self, deadline: float, until: float | None = None) -> bytes | None:
        """The next frame; None if ``until`` passes first (the caller has something to send)."""
        while True:
            size = frame_size(self._buf)
            if size is not None and len(self._buf) >= size:
                frame, self._buf = self._buf[:size], self._buf[size:]
                return frame
            now = time.monotonic()
            if now > deadline:
                raise TimeoutError("test deadline")
            if until is not None and now >= until:
                return None
            self._sock.settimeout(0.5 if until is None else max(0.001, min(0.5, until - now)))
            try:
                chunk = self._sock.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                raise ConnectionError("closed by the platform")
            self._buf += chunk

    def frame(self, deadline: float) -> bytes:
        frame = self.next(deadline)
        assert frame is not None
        return frame


class Fleet:
    """Terminals on threads, with a shared stop switch and deadline."""

    def __init__(self, terminals: list[Terminal]) -> None:
        self.terminals = terminals
        self.stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self, port: int, deadline: float) -> None:
        for t in self.terminals:
            thread = threading.Thread(target=t.run, args=(port, self.stop, deadline),
                                      daemon=True, name=f"terminal-{t.tid}")
            thread.start()
            self._threads.append(thread)

    def join(self, timeout_s: float) -> None:
        end = time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(max(0.0, end - time.monotonic()))
        self.stop.set()

    def acked(self) -> int:
        return sum(len(t.acked) for t in self.terminals)

    def done(self) -> bool:
        return all(t.done() for t in self.terminals)

    def __iter__(self) -> Iterator[Terminal]:
        return iter(self.terminals)

    def assert_stored_exactly_once(self, dsn: str, total: int | None = None) -> None:
        """Every fix acknowledged so far is stored exactly once; given ``total``, the database
        holds that many fixes in all (every fix sent, or no fix that was not acknowledged)."""
        stored = stored_fixes(dsn)
        for t in self.terminals:
            acked = set(t.acked)  # a copy: the terminal's thread may still be adding to it
            times = stored.get(t.tid, [])
            assert len(times) == len(set(times)), f"terminal {t.tid}: duplicates stored"
            missing = {fix_for(t.tid, i)["time"] for i in acked} - set(times)
            assert not missing, f"terminal {t.tid}: {len(missing)} acknowledged fixes not stored"
        if total is not None:
            count = sum(len(times) for times in stored.values())
            assert count == total, f"{count} fixes stored, {total} expected"


def stored_fixes(dsn: str) -> dict[int, list[datetime]]:
    """Fix times stored per terminal identifier, every row (duplicates would show twice)."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT t.identifier, p.fix_time FROM positions p"
                    " JOIN terminals t ON t.id = p.terminal_id")
        out: dict[int, list[datetime]] = {}
        for identifier, fix_time in cur.fetchall():
            out.setdefault(int(identifier), []).append(fix_time)
    return out
