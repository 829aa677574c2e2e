"""What the load bench measures around its window and the table it prints: CPU counters read
at the window's edges, the disk's fsync time, latency percentiles, server histogram buckets."""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.bench.load_generator import Load
from tests.bench.load_server import Server


def window_counters(server: Server, load: Load) -> dict[str, float]:
    """What the measured window's start and end are compared by."""
    return {"cpu": server.cpu_seconds(), "sys": server.system_cpu_seconds(),
            "db": server.database_cpu_seconds(), "busy": busy_seconds(),
            "acked": load.stats.acked_fixes, "gen": time.process_time()}


def busy_seconds() -> float:
    """CPU time the whole machine spent on anything but idling, all CPUs together."""
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


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


def write_latency_log(path: str, load: Load) -> None:
    """Each measured packet's send time (s into the window) and ack latency (ms)."""
    s = load.stats
    with open(path, "w") as out:
        unix = time.time() - (time.perf_counter() - load.window_start)
        out.write(f"# window start {datetime.fromtimestamp(unix, UTC).isoformat()}\n")
        out.writelines(f"{t - load.window_start:.4f} {1e3 * lat:.2f}\n"
                       for t, lat in zip(s.sent_times, s.latencies, strict=True))


def print_report(args: argparse.Namespace, load: Load, *, metrics: dict[str, float],
                 scraped: dict[str, dict[str, float]], rss0: int, stored: int,
                 fsync_ms: float) -> None:
    """The table: the generator's view, then (with a server of our own) the server's."""
    s = load.stats
    ready = load.peak_ready
    marks = load.marks
    count = args.flood_connections if args.flood else args.connections
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
