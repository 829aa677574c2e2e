"""The load generator: one thread driving every terminal connection with non-blocking sockets
and ``selectors``, which logs each terminal in, sends its fixes and times the acknowledgements.

The bookkeeping at the window's edges (hooks that scrape the server's metrics) runs in helper
threads, so the scrape does not hold up the connections.
"""

from __future__ import annotations

import argparse
import gc
import heapq
import selectors
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.bench.load_packets import FIX_BASE, login_packet, packet, pos_record, result_ack

CONNECTING, LOGIN, READY, CLOSED = range(4)


@dataclass(slots=True, eq=False)
class Conn:
    sock: socket.socket
    tid: int
    state: int = CONNECTING
    buf: bytes = b""
    out: bytes = b""
    pid: int = 1
    rn: int = 1
    seq: int = 0
    sent: dict[int, tuple[float, int]] = field(default_factory=dict)  # pid -> (time, fixes)


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    sent_times: list[float] = field(default_factory=list)  # of the same packets (--latency-log)
    acked_fixes: int = 0
    acked_in_window: int = 0
    sent_fixes: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    refused_packets: int = 0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


class Load:
    """The selector loop driving every connection."""

    def __init__(self, args: argparse.Namespace, port: int) -> None:
        self.args = args
        self.port = port
        self.sel = selectors.DefaultSelector()
        self.conns: list[Conn] = []
        self.due: list[tuple[float, int, Conn]] = []  # (time, tid, conn): next send
        self.stats = Stats()
        self.window_start = self.window_end = 0.0
        self.sending = True
        self.drain_until = 0.0
        self.peak_ready = 0
        self.marks: dict[str, float] = {}  # what the hooks measured at the window's edges
        self.at_window_start: list[Callable[[], None]] = []
        self.at_window_end: list[Callable[[], None]] = []

    # connection setup

    def open(self, n: int) -> None:
        source = f"127.0.{2 + n // 60000}.{2 + (n // 500) % 250}"
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.bind((source, 0))
        except OSError:
            sock.bind(("127.0.0.1", 0))
        conn = Conn(sock, tid=self.args.first_tid + n)
        err = sock.connect_ex(("127.0.0.1", self.port))
        if err not in (0, 115):  # EINPROGRESS
            self.stats.error(f"connect errno {err}")
            sock.close()
            return
        self.conns.append(conn)
        self.sel.register(sock, selectors.EVENT_WRITE, conn)

    def on_writable(self, conn: Conn) -> None:
        if conn.state == CONNECTING:
            err = conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                self.fail(conn, f"connect errno {err}")
                return
            conn.state = LOGIN
            self.sel.modify(conn.sock, selectors.EVENT_READ, conn)
            self.send(conn, login_packet(conn.tid))
            return
        data, conn.out = conn.out, b""
        self.sel.modify(conn.sock, selectors.EVENT_READ, conn)
        self.send(conn, data)

    def send(self, conn: Conn, data: bytes) -> None:
        if conn.out:
            conn.out += data
            return
        try:
            n = conn.sock.send(data)
        except BlockingIOError:
            n = 0
        except OSError as e:
            self.fail(conn, type(e).__name__)
            return
        if n < len(data):
            conn.out = data[n:]
            self.sel.modify(conn.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, conn)

    def fail(self, conn: Conn, why: str) -> None:
        if conn.state != CLOSED:
            self.stats.error(why)
            conn.state = CLOSED
            try:
                self.sel.unregister(conn.sock)
            except (KeyError, ValueError):
                pass
            conn.sock.close()

    # traffic

    def send_fixes(self, conn: Conn, now: float) -> None:
        records = self.args.records if self.args.flood else 1
        body = b"".join(pos_record(conn.rn + k, conn.tid, FIX_BASE + conn.seq + k,
                                   50.4 + (conn.tid % 1000) * 1e-4, 137.0 + (conn.seq + k) * 1e-6)
                        for k in range(records))
        pid = conn.pid & 0xFFFF
        conn.sent[pid] = (now, records)
        conn.pid += 1
        conn.rn += records
        conn.seq += records
        self.stats.sent_fixes += records
        self.send(conn, packet(pid, body))

    def on_readable(self, conn: Conn) -> None:
        try:
            chunk = conn.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError as e:
            self.fail(conn, type(e).__name__)
            return
        if not chunk:
            self.fail(conn, "closed by server")
            return
        buf = conn.buf + chunk if conn.buf else chunk
        now = time.perf_counter()
        pos = 0
        while len(buf) - pos >= 11:
            hl = buf[pos + 3]
            fdl = buf[pos + 5] | buf[pos + 6] << 8
            size = hl + fdl + (2 if fdl else 0)
            if len(buf) - pos < size:
                break
            self.frame(conn, buf, pos, hl, now)
            pos += size
        conn.buf = buf[pos:]

    def frame(self, conn: Conn, buf: bytes, pos: int, hl: int, now: float) -> None:
        pt = buf[pos + 9]
        body = pos + hl
        if pt == 0:  # PT_RESPONSE
            rpid = buf[body] | buf[body + 1] << 8
            pr = buf[body + 2]
            if conn.state == LOGIN:
                return  # the response to the login packet; the RESULT_CODE follows
            sent = conn.sent.pop(rpid, None)
            if sent is None:
                return
            if pr != 0:
                self.stats.refused_packets += 1
                return
            sent_at, fixes = sent
            self.stats.acked_fixes += fixes
            if self.window_start <= now < self.window_end:
                self.stats.acked_in_window += fixes
                if sent_at >= self.window_start:
                    self.stats.latencies.append(now - sent_at)
                    self.stats.sent_times.append(sent_at)
            if self.args.flood and self.sending:
                self.send_fixes(conn, now)
        elif pt == 1 and conn.state == LOGIN:  # RESULT_CODE after the login
            rpid = buf[pos + 7] | buf[pos + 8] << 8
            crn = buf[body + 2] | buf[body + 3] << 8
            code = buf[body + 7 + 3]
            self.send(conn, result_ack(rpid, crn))
            if code != 0:
                self.fail(conn, f"login refused {code}")
                return
            conn.state = READY
            if self.args.flood:
                for _ in range(self.args.window):
                    self.send_fixes(conn, now)
            else:
                first = now + (conn.tid % 1000) / 1000 / self.args.rate
                heapq.heappush(self.due, (first, conn.tid, conn))

    # the loop

    def run(self) -> None:
        a = self.args
        count = a.flood_connections if a.flood else a.connections
        ramp = a.ramp if not a.flood else 10_000.0
        t0 = time.perf_counter()
        opened = 0
        ramp_done_at = t0 + count / ramp
        self.window_start = ramp_done_at + a.warmup
        self.window_end = self.window_start + a.seconds
        stop_at = self.window_end
        interval = 1.0 / a.rate
        print(f"ramping {count} connections at {ramp:.0f}/s, then measuring for {a.seconds:.0f} s",
              flush=True)
        next_report = t0 + 5
        prepared = started = False
        hooks: list[threading.Thread] = []
        while True:
            now = time.perf_counter()
            if now >= self.window_start - 1.0 and not prepared:
                prepared = True
                # the generator's own collector pauses would show up as server latency
                gc.collect()
                gc.freeze()
                gc.disable()
            if now >= self.window_start and not started:
                started = True
                hooks.append(_in_background(self.at_window_start))  # (scrapes take a while)
            if now >= stop_at and self.sending:
                gc.enable()
                hooks.append(_in_background(self.at_window_end))
                self.peak_ready = max(self.peak_ready,
                                      sum(1 for c in self.conns if c.state == READY))
                self.sending = False
                self.drain_until = now + 10
            if not self.sending and (now >= self.drain_until or
                                     not any(c.sent for c in self.conns)):
                for hook_thread in hooks:
                    hook_thread.join()
                break
            target = min(count, int((now - t0) * ramp) + 1)
            while opened < target:
                self.open(opened)
                opened += 1
            while self.sending and self.due and self.due[0][0] <= now:
                due, tid, conn = heapq.heappop(self.due)
                if conn.state == READY:
                    self.send_fixes(conn, now)
                    # next one a period after this one was due, not after it went out: every
                    # terminal keeps its own phase (rescheduling from ``now`` lines up all the
                    # terminals a slow loop turn served, and they stay a burst for good)
                    heapq.heappush(self.due, (max(due + interval, now), tid, conn))
            timeout = 0.002 if self.due else 0.01
            if self.due:
                timeout = max(0.0, min(timeout, self.due[0][0] - time.perf_counter()))
            for key, mask in self.sel.select(timeout):
                conn = key.data
                if mask & selectors.EVENT_READ:
                    self.on_readable(conn)
                if mask & selectors.EVENT_WRITE and conn.state != CLOSED:
                    self.on_writable(conn)
            if now >= next_report:
                ready = sum(1 for c in self.conns if c.state == READY)
                self.peak_ready = max(self.peak_ready, ready)
                print(f"  t={now - t0:5.1f}s connected={ready} "
                      f"acked fixes={self.stats.acked_fixes}", flush=True)
                next_report = now + 5

    def close(self) -> None:
        for conn in self.conns:
            if conn.state != CLOSED:
                conn.state = CLOSED
                conn.sock.close()


def _in_background(hooks: list[Callable[[], None]]) -> threading.Thread:
    """Run the window's bookkeeping without stalling the connections (it scrapes HTTP)."""
    thread = threading.Thread(target=lambda: [hook() for hook in hooks], daemon=True)
    thread.start()
    return thread
