"""The server under the load bench: ``glonass-dispatch serve`` in its own process (with its
extra intake processes) against a fresh database in a cluster of its own, and what it costs:
CPU time of the server and of the database read from /proc, RSS, metrics, fixes stored."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import psycopg2

from tests.prometheus import scrape

REPO = Path(__file__).resolve().parents[2]


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

