"""What the per-core throughput benchmarks share: their command line, the clock, best-of-N
rates and the profile mode, so every one of them times the same way."""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Run = Callable[[], object]


def timing_parser(description: str, *, repeat: int, seconds: float,
                  workloads: Iterable[str], profiled: str) -> argparse.ArgumentParser:
    """``--repeat``, ``--seconds``, ``--clock`` and ``--profile WORKLOAD`` (profiling
    ``profiled`` instead of timing); a benchmark adds its own options after these."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--repeat", type=int, default=repeat, help="timed runs, best is kept")
    parser.add_argument("--seconds", type=float, default=seconds,
                        help="length of one timed run")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="perf_counter (default) or this process' CPU time")
    parser.add_argument("--profile", choices=tuple(workloads),
                        help=f"instead of timing, cProfile {profiled} on one workload")
    return parser


def profile(run: Run, passes: int, lines: int) -> None:
    """cProfile ``passes`` calls of ``run``; print the ``lines`` costliest functions."""
    with cProfile.Profile() as profiler:
        for _ in range(passes):
            run()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(lines)


@dataclass(frozen=True, slots=True)
class Timing:
    """How each figure is taken: the best of ``repeat`` runs of about ``seconds`` each."""

    repeat: int
    seconds: float
    clock: Callable[[], float]

    @classmethod
    def of(cls, args: argparse.Namespace) -> Timing:
        """From ``timing_parser``'s options; CPU time is not inflated by other processes
        competing for the cores (use it on a shared machine)."""
        clock = time.perf_counter if args.clock == "wall" else time.process_time
        return cls(args.repeat, args.seconds, clock)

    def headline(self, units: str) -> str:
        return (f"Python {sys.version.split()[0]}, one process (per core), best of "
                f"{self.repeat}, {self.clock.__name__}; {units}")

    def rate(self, run: Run, units: int) -> float:
        """Best units/s, where one call of ``run`` handles ``units``, after a warm-up."""
        started = time.perf_counter()
        run()  # warm-up, and a first estimate of one pass
        loops = max(1, int(self.seconds / max(time.perf_counter() - started, 1e-9)))
        for _ in range(min(loops, 20)):
            run()
        best = float("inf")
        for _ in range(self.repeat):
            started = self.clock()
            for _ in range(loops):
                run()
            best = min(best, self.clock() - started)
        return units * loops / best

    def compiled_columns(self, run: Run | None, units: int, pure: float,
                         width: int) -> tuple[str, str]:
        """The compiled implementation's rate (``width`` wide) and its speed-up over the
        ``pure`` rate, as table columns; "-" in both when it was not built (``run`` None)."""
        if run is None:
            return "-".rjust(width), "-".rjust(8)
        fast = self.rate(run, units)
        return f"{fast:{width},.0f}", f"{fast / pure:7.1f}x"
