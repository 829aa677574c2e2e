"""Load generator: many EGTS terminals against a real ``glonass-dispatch serve`` process.

    python -m tests.bench.load --connections 10000 --seconds 30       # terminals at 1 fix/s
    python -m tests.bench.load --flood --seconds 20                   # 10-record packets, pipelined

Terminal mode opens ``--connections`` connections at ``--ramp`` per second (spread over source
addresses 127.0.0.2, .3, ... so no per-address cap or ephemeral-port range is hit), logs each
in, then sends one 1-fix packet per connection every ``1/--rate`` seconds, each connection at
its own phase, and waits for each acknowledgement (which the server writes only after the
fix committed). Flood mode keeps ``--window`` packets of ``--records`` fixes in flight on each
of ``--flood-connections`` connections.

The server runs in its own process (``--server-processes``: with its extra intake processes)
against a database of its own (``glonass_bench`` in a cluster under ``var/bench-pg``, created
on first use), unless ``--port`` points at one already running. This process only generates
load: one thread, non-blocking sockets, ``selectors`` (and a helper thread that scrapes the
server's metrics at the window's edges, so the scrape does not hold up the connections).

Reported: acknowledged (= durable) fixes/s in the steady window, ack latency p50/p99/max as
the terminals see it (packets sent and acknowledged in the window), the server's own ack and
commit latency histograms, the server's RSS per connection, CPU per fix of the server, the
database and this generator, how busy the machine was (and with what else), and a check that
the database holds every acknowledged fix. The window starts ``--warmup`` seconds after the
ramp: registering thousands of new terminals at once is a backlog of its own.
"""

from __future__ import annotations

import argparse
import gc
import heapq
import os
import resource
import selectors
import socket
import struct
import subprocess
import sys
import threading
import time
import tomllib
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import crcmod
import psycopg2

from tests.prometheus import scrape

REPO = Path(__file__).resolve().parents[2]
EPOCH = datetime(2010, 1, 1, tzinfo=UTC)
FIX_BASE = int((datetime(2026, 5, 4, 0, 0, tzinfo=UTC) - EPOCH).total_seconds())

_crc8 = crcmod.mkCrcFun(0x131, initCrc=0xFF, rev=False, xorOut=0)
_crc16 = crcmod.mkCrcFun(0x11021, initCrc=0xFFFF, rev=False, xorOut=0)
_HEADER = struct.Struct("<BBBBBHHB")
_RECORD = struct.Struct("<HHBIBB")  # RL RN RFL OID SST RST (RFL = OID present)
_POS = struct.Struct("<BHIIIBHB3sBB")  # SRT SRL | NTM LAT LONG FLG SPD DIR ODM DIN SRC


# -- packets (struct + crcmod; checked once against tests.builders.egts) -------------------


def packet(pid: int, body: bytes) -> bytes:
    head = _HEADER.pack(1, 0, 0, 11, 0, len(body), pid & 0xFFFF, 1)
    return head + bytes([_crc8(head)]) + body + struct.pack("<H", _crc16(body))


def pos_record(rn: int, oid: int, ntm: int, lat: float, lon: float) -> bytes:
    pos = _POS.pack(16, 21, ntm, int(lat / 90 * 0xFFFFFFFF), int(lon / 180 * 0xFFFFFFFF), 0x03,
                    200, 90, b"\x00\x00\x00", 0, 0)
    return _RECORD.pack(len(pos), rn & 0xFFFF, 0x01, oid, 2, 2) + pos


def login_packet(tid: int) -> bytes:
    ident = struct.pack("<BHIB", 1, 5, tid, 0)  # SRT 1 TERM_IDENTITY, SRL 5: TID, flags 0
    return packet(0, _RECORD.pack(len(ident), 0, 0x01, tid, 1, 1) + ident)


def result_ack(rpid: int, crn: int) -> bytes:
    """Our PT_RESPONSE to the platform's RESULT_CODE packet."""
    sub = struct.pack("<BHHB", 0, 3, crn, 0)
    body = struct.pack("<HB", rpid, 0) + struct.pack("<HHBBB", len(sub), 0, 0, 1, 1) + sub
    head = _HEADER.pack(1, 0, 0, 11, 0, len(body), 1, 0)
    return head + bytes([_crc8(head)]) + body + struct.pack("<H", _crc16(body))


def self_check() -> None:
    """Our fast packets must equal the independent builders' bytes."""
    from tests.builders import egts as build

    when = datetime.fromtimestamp(EPOCH.timestamp() + FIX_BASE, UTC)
    ours = packet(7, pos_record(3, 4242, FIX_BASE, 50.5, 137.0))
    theirs = build.packet(pid=7, records=[build.pos_record(
        rn=3, oid=4242, time=when, lat=50.5, lon=137.0, vld=True, fix=True, speed_kmh=20.0,
        course=90)])
    assert ours == theirs, "bench packet encoder disagrees with tests.builders.egts"
    assert login_packet(9) == build.packet(pid=0, records=[build.auth_record(rn=0, tid=9, oid=9)])


# -- one terminal connection --------------------------------------------------------------


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


# -- the server under test ---------------------------------------------------------------


class Server:
    """``glonass-dispatch serve`` in its own process against a fresh bench database."""

    def __init__(self, args: argparse.Namespace) -> None:
        from db.cluster import LocalCluster
        from db.migrate import migrate
        from tests.conftest import free_port
        from tests.reliability.harness import free_port_run

        self.cluster = LocalCluster(REPO / "var" / "bench-pg" / "data", args.db_port,
                                    database="glonass_bench")
        self.cluster.start()
        self.cluster.drop_database("glonass_bench")
        self.cluster.create_database("glonass_bench")
        self.dsn = self.cluster.dsn()
        migrate(self.dsn)
        self.processes = args.server_processes
        self.egts_port, self.http_port = free_port(), free_port_run(self.processes)
        workdir = REPO / "var" / "bench"
        workdir.mkdir(parents=True, exist_ok=True)
        config = workdir / "load.toml"
        tables: dict[str, dict[str, object]] = {
            "egts": {"host": "127.0.0.1", "port": self.egts_port},
            "http": {"host": "127.0.0.1", "port": self.http_port},
            "demo": {"seed_when_empty": False},
            "writer": {"connections": args.writer_connections},
            "intake": {"max_connections": 19500},
        }
        for name in ("ndtp",):
            if _has_setting(name):
                tables[name] = {"enabled": False}
        if args.server_processes > 1:
            tables["intake"]["processes"] = args.server_processes
        for name, values in tomllib.loads(args.server_config).items():
            tables.setdefault(name, {}).update(values)
        config.write_text("".join(
            f"[{name}]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in values.items())
            for name, values in tables.items()))
        self.log_path = workdir / "server.log"
        env = {**os.environ, "DATABASE_URL": self.dsn, "GLONASS_DISPATCH_HOME": str(REPO)}
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [*(["taskset", "-c", args.server_cpus] if args.server_cpus else []),
                 sys.executable,
                 *(["-m", "cProfile", "-o", args.profile_server] if args.profile_server else []),
                 "-m", "egts_server.cli", "--config", str(config), "serve"],
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO)
        deadline = time.monotonic() + 60
        for url in (f"http://127.0.0.1:{self.http_port}/healthz",
                    *(f"http://127.0.0.1:{self.http_port + k}/metrics"
                      for k in range(1, self.processes))):
            while True:
                try:
                    with urllib.request.urlopen(url, timeout=2):
                        break
                except OSError:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"server did not start; see {self.log_path}") from None
                    time.sleep(0.1)

    def pids(self) -> list[int]:
        """The server process and its extra intake processes (``--server-processes``)."""
        return [self.process.pid, *_children(self.process.pid)]

    def rss(self) -> int:
        total = 0
        for pid in self.pids():
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        return total

    def cpu_seconds(self) -> float:
        return sum(_cpu_seconds(pid) for pid in self.pids())

    def system_cpu_seconds(self) -> float:
        """The server's CPU time in the kernel (socket calls, mostly)."""
        return sum(_cpu_times(pid)[1] for pid in self.pids())

    def database_cpu_seconds(self) -> float:
        """CPU time of the bench cluster: the postmaster and every process it started."""
        postmaster = int((self.cluster.data_dir / "postmaster.pid").read_text().split()[0])
        return _cpu_seconds(postmaster) + sum(_cpu_seconds(pid) for pid in _children(postmaster))

    def metrics(self) -> dict[str, float]:
        """``/metrics`` as {"name{labels}": value}, summed over the server's processes (extra
        process K serves its own on the HTTP port + K)."""
        total: dict[str, float] = {}
        for k in range(self.processes):
            for name, value in scrape(self.http_port + k, timeout=10).items():
                total[name] = total.get(name, 0.0) + value
        return total

    def stored(self) -> int:
        with psycopg2.connect(self.dsn) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM positions")
            n: int = cur.fetchone()[0]
        return n

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _in_background(hooks: list[Callable[[], None]]) -> threading.Thread:
    """Run the window's bookkeeping without stalling the connections (it scrapes HTTP)."""
    thread = threading.Thread(target=lambda: [hook() for hook in hooks], daemon=True)
    thread.start()
    return thread


def _counters(server: Server, load: Load) -> dict[str, float]:
    """What the measured window's start and end are compared by."""
    return {"cpu": server.cpu_seconds(), "sys": server.system_cpu_seconds(),
            "db": server.database_cpu_seconds(), "busy": _busy_seconds(),
            "acked": load.stats.acked_fixes, "gen": time.process_time()}


def _cpu_times(pid: int) -> tuple[float, float]:
    """User and system CPU time of one process (zeros if it has gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def _cpu_seconds(pid: int) -> float:
    return sum(_cpu_times(pid))


def _busy_seconds() -> float:
    """CPU time the whole machine spent on anything but idling, all CPUs together."""
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(child) for child in f.read().split()]


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def _has_setting(name: str) -> bool:
    from egts_server.config import Settings

    return hasattr(Settings(), name)


def fsync_probe(folder: Path, seconds: float = 0.5) -> float:
    """Median time of an 8 KiB write + fdatasync here: what every commit waits for."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fsync.probe"
    times = []
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            t = time.perf_counter()
            os.pwrite(fd, b"\0" * 8192, 0)
            os.fdatasync(fd)
            times.append(time.perf_counter() - t)
    finally:
        os.close(fd)
        path.unlink()
    return 1e3 * pct(times, 0.5)


def histogram_quantile(metrics: dict[str, float], name: str, q: float) -> float:
    """The bucket bound holding quantile ``q`` of a server histogram."""
    buckets = sorted((float(k.split('le="')[1].rstrip('"}').replace("+Inf", "inf")), v)
                     for k, v in metrics.items() if k.startswith(name + "_bucket"))
    total = metrics.get(name + "_count", 0.0)
    for bound, cumulative in buckets:
        if cumulative >= q * total:
            return bound
    return float("inf")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured window")
    parser.add_argument("--rate", type=float, default=1.0, help="fixes/s per terminal")
    parser.add_argument("--ramp", type=float, default=2000.0, help="new connections per second")
    parser.add_argument("--warmup", type=float, default=10.0,
                        help="seconds after the ramp before measuring (new terminals register)")
    parser.add_argument("--flood", action="store_true", help="pipelined multi-record packets")
    parser.add_argument("--flood-connections", type=int, default=64)
    parser.add_argument("--records", type=int, default=10, help="flood: records per packet")
    parser.add_argument("--window", type=int, default=16, help="flood: packets in flight")
    parser.add_argument("--writer-connections", type=int, default=2,
                        help="server's writer.connections")
    parser.add_argument("--server-processes", type=int, default=1,
                        help="server's intake.processes (processes sharing the EGTS port)")
    parser.add_argument("--server-config", default="",
                        help="TOML merged into the server's configuration, e.g. "
                             "$'[intake]\\nmax_pending_fixes = 100'")
    parser.add_argument("--server-cpus", default="", help="taskset CPU list for the server")
    parser.add_argument("--profile-server", metavar="FILE",
                        help="run the server under cProfile, writing its stats to FILE")
    parser.add_argument("--latency-log", metavar="FILE",
                        help="write each measured packet's send time (s into the window) and "
                             "ack latency (ms) to FILE, to see whether the tail comes in bursts")
    parser.add_argument("--port", type=int, help="use a server already listening here")
    parser.add_argument("--db-port", type=int, default=55437, help="bench cluster's port")
    parser.add_argument("--first-tid", type=int, default=1_000_000)
    args = parser.parse_args()
    self_check()
    count = args.flood_connections if args.flood else args.connections
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 256)), hard))
    server = None if args.port else Server(args)
    port = args.port or server.egts_port  # type: ignore[union-attr]
    fsync_ms = fsync_probe(REPO / "var" / "bench")
    load = Load(args, port)
    scraped: dict[str, dict[str, float]] = {}
    marks = load.marks
    if server:
        load.at_window_start.append(lambda: marks.update(
            {f"{k}0": v for k, v in _counters(server, load).items()}))
        load.at_window_start.append(lambda: scraped.update(start=server.metrics()))
        load.at_window_end.append(lambda: marks.update(
            {f"{k}1": v for k, v in _counters(server, load).items()}, rss1=server.rss()))
        load.at_window_end.append(lambda: scraped.update(end=server.metrics()))
    try:
        rss0 = server.rss() if server else 0
        load.run()
        metrics = server.metrics() if server else {}
        stored = server.stored() if server else -1
    finally:
        load.close()
        if server:
            server.stop()
    s = load.stats
    ready = load.peak_ready
    if args.latency_log:
        with open(args.latency_log, "w") as out:
            unix = time.time() - (time.perf_counter() - load.window_start)
            out.write(f"# window start {datetime.fromtimestamp(unix, UTC).isoformat()}\n")
            out.writelines(f"{t - load.window_start:.4f} {1e3 * lat:.2f}\n"
                           for t, lat in zip(s.sent_times, s.latencies, strict=True))
    rate = s.acked_in_window / args.seconds
    mode = (f"flood: {count} connections x {args.window} packets of {args.records} fixes in flight"
            if args.flood else f"{count} terminals x {args.rate:g} fix/s")
    print(f"\n{mode}; server intake.processes={args.server_processes}, "
          f"writer.connections={args.writer_connections}; "
          f"{os.cpu_count()} CPUs shared by server, PostgreSQL and this generator")
    print(f"{'connected (end of window)':34} {ready:>12,}")
    print(f"{'durable fixes/s (acked, window)':34} {rate:>12,.0f}")
    print(f"{'ack latency p50 / p99 / max (ms)':34} {1e3 * pct(s.latencies, 0.5):>8.1f} / "
          f"{1e3 * pct(s.latencies, 0.99):.1f} / {1e3 * max(s.latencies, default=0.0):.1f}")
    if metrics:
        window = metrics
        if "start" in scraped and "end" in scraped:  # the measured window only
            window = {k: v - scraped["start"].get(k, 0.0) for k, v in scraped["end"].items()}
        ack = "glonass_ack_latency_seconds"
        print(f"{'server ack p50 / p99 bucket (ms)':34} "
              f"{1e3 * histogram_quantile(window, ack, 0.5):>8.1f} / "
              f"{1e3 * histogram_quantile(window, ack, 0.99):.1f}")
        print(f"{'commit p50 / p99 bucket (ms)':34} "
              f"{1e3 * histogram_quantile(window, 'glonass_commit_seconds', 0.5):>8.1f} / "
              f"{1e3 * histogram_quantile(window, 'glonass_commit_seconds', 0.99):.1f}")
        pauses = "process_gc_pause_seconds"
        print(f"{'server GC pauses, max bucket (ms)':34} "
              f"{window.get(pauses + '_count', 0.0):>12,.0f}   "
              f"{1e3 * histogram_quantile(window, pauses, 1.0):.1f}")
        lag = "glonass_reactor_lag_seconds"
        print(f"{'reactor lag p99 / max bucket (ms)':34} "
              f"{1e3 * histogram_quantile(window, lag, 0.99):>8.1f} / "
              f"{1e3 * histogram_quantile(window, lag, 1.0):.1f}")
        commits = window.get("glonass_commits_total", 0.0)
        stored_total = window.get("glonass_fixes_stored_total", 0.0)
        print(f"{'commits, fixes per commit':34} {commits:>12,.0f}   "
              f"{stored_total / max(commits, 1):.1f}")
        rss1 = marks.get("rss1", rss0)
        print(f"{'server RSS idle -> loaded (MiB)':34} {rss0 / 2**20:>8.1f} -> {rss1 / 2**20:.1f}")
        print(f"{'server RSS per connection (KiB)':34} "
              f"{(rss1 - rss0) / 1024 / max(ready, 1):>12.2f}")
        acked = marks.get("acked1", 0) - marks.get("acked0", 0)
        cpu = marks.get("cpu1", 0.0) - marks.get("cpu0", 0.0)
        gen = marks.get("gen1", 0.0) - marks.get("gen0", 0.0)
        print(f"{'server CPU, window (% of a core)':34} {100 * cpu / args.seconds:>12.0f}")
        system = marks.get("sys1", 0.0) - marks.get("sys0", 0.0)
        print(f"{'server CPU per acked fix (us)':34} {1e6 * cpu / max(acked, 1):>12.1f}   "
              f"(kernel {1e6 * system / max(acked, 1):.1f})")
        db = marks.get("db1", 0.0) - marks.get("db0", 0.0)
        print(f"{'database CPU, window (% of a core)':34} {100 * db / args.seconds:>12.0f}")
        print(f"{'database CPU per acked fix (us)':34} {1e6 * db / max(acked, 1):>12.1f}")
        print(f"{'generator CPU per acked fix (us)':34} {1e6 * gen / max(acked, 1):>12.1f}")
        busy = marks.get("busy1", 0.0) - marks.get("busy0", 0.0)
        others = busy - cpu - db - gen
        print(f"{'machine CPU busy: all / others (%)':34} {100 * busy / args.seconds:>8.0f} / "
              f"{100 * others / args.seconds:.0f}  (of {100 * (os.cpu_count() or 1)})")
    print(f"{'disk fdatasync p50 at start (ms)':34} {fsync_ms:>12.2f}")
    print(f"{'load average (1 min) at the end':34} {os.getloadavg()[0]:>12.1f}")
    print(f"{'fixes sent / acked / in database':34} {s.sent_fixes:,} / {s.acked_fixes:,} / "
          f"{stored:,}")
    if s.errors or s.refused_packets:
        print(f"{'errors':34} {s.errors} refused packets: {s.refused_packets}")
    if stored >= 0 and stored < s.acked_fixes:
        print("!! the database holds fewer fixes than were acknowledged")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
