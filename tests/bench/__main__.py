"""``make bench``: every benchmark in turn, each printing its own table.

Benchmarks measure; they never fail a build. Each one is also runnable alone
(``python -m tests.bench.<name> --help``).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time

# (module, arguments): quick enough for one sitting on the 2-core development machine.
BENCHMARKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tests.bench.egts_decode", ("--clock", "cpu")),
    ("tests.bench.ndtp", ("--clock", "cpu")),
    ("tests.bench.copy_encode", ("--clock", "cpu")),
    ("tests.bench.coverage", ()),
    ("tests.bench.coverage_accuracy", ()),
    ("tests.bench.storm_forecast", ()),
    ("tests.bench.sign_in_flood", ()),
    ("tests.bench.audit", ()),
    ("tests.bench.alerts", ("--database",)),
    # two intake processes with one writer connection each: the configuration that comes
    # closest to the intake throughput targets on this machine (one process is one core of Python)
    ("tests.bench.load", ("--connections", "10000", "--seconds", "30",
                          "--server-processes", "2", "--writer-connections", "1")),
    ("tests.bench.load", ("--flood", "--seconds", "20",
                          "--server-processes", "2", "--writer-connections", "1")),
    # the same flood through HAProxy in front of one, then two intake nodes
    ("tests.bench.scaleout", ("--seconds", "15")),
)


def main() -> int:
    for module, args in BENCHMARKS:
        if importlib.util.find_spec(module) is None:
            continue
        title = " ".join((module.rsplit(".", 1)[-1], *args))
        print(f"\n=== {title} ===", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, "-m", module, *args])
        print(f"--- {title}: {'ok' if code == 0 else f'exit {code}'} "
              f"in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
