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
import resource
import sys

from tests.bench.load_generator import Load
from tests.bench.load_packets import self_check
from tests.bench.load_report import fsync_probe, print_report, window_counters, write_latency_log
from tests.bench.load_server import REPO, Server


def parse_args() -> argparse.Namespace:
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
    return parser.parse_args()


def main() -> int:
    args = parse_args()
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
            {f"{k}0": v for k, v in window_counters(server, load).items()}))
        load.at_window_start.append(lambda: scraped.update(start=server.metrics()))
        load.at_window_end.append(lambda: marks.update(
            {f"{k}1": v for k, v in window_counters(server, load).items()}, rss1=server.rss()))
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
    if args.latency_log:
        write_latency_log(args.latency_log, load)
    print_report(args, load, metrics=metrics, scraped=scraped, rss0=rss0, stored=stored,
                 fsync_ms=fsync_ms)
    if stored >= 0 and stored < load.stats.acked_fixes:
        print("!! the database holds fewer fixes than were acknowledged")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
