"""Benchmark: coverage accuracy against generated ground truth, per scenario class.

Every class of ``tests.dispatch.scenarios.CLASSES`` is generated for ``--seeds`` seeds (20 by
default) and computed; the table shows, per class, the truth and what the engine said (mean
served, unknown and not-served shares), the mean and worst error of the served share in
percentage points, and how many seeds fall outside 3 points. Negative classes have a truth of
0, and for them a partial share counts as error too; in the silence classes part of the truth
is what the silence hides, which should come out unknown.

Run: ``python -m tests.bench.coverage_accuracy`` (``--seeds N``, ``--only TEXT``).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from tests.dispatch.scenarios import CLASSES

TOLERANCE_PCT = 3.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.coverage_accuracy",
                                     description=__doc__)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--only", default="", help="classes whose name contains this")
    args = parser.parse_args(argv)
    out = sys.stdout
    out.write(f"coverage accuracy: served share vs truth, {args.seeds} seeds per class "
              f"(percent of the route; error in points)\n")
    header = (f"{'scenario class':46s} {'truth':>6s} {'served':>7s} {'partial':>8s} "
              f"{'unknown':>8s} {'not srv':>8s} {'mean err':>9s} {'worst':>7s} {'> 3 pt':>7s}")
    out.write(header + "\n" + "-" * len(header) + "\n")
    started = time.perf_counter()
    outside = total = 0
    for name, make in CLASSES.items():
        if args.only not in name:
            continue
        truth, served, partial, unknown, not_served, error = [], [], [], [], [], []
        for seed in range(args.seeds):
            scenario = make(seed)
            verdict = scenario.run()
            truth.append(scenario.served_pct)
            # where nothing was worked, a partial share is earned credit too
            nothing = scenario.served_pct == 0.0 and scenario.hidden_pct == 0.0
            error.append(verdict["served"] - scenario.served_pct
                         + (verdict["partial"] if nothing else 0.0))
            served.append(verdict["served"])
            partial.append(verdict["partial"])
            unknown.append(verdict["unknown"])
            not_served.append(verdict["not_served"])
        errors = np.array(error)
        worst = float(errors[np.argmax(np.abs(errors))])
        misses = int(np.count_nonzero(np.abs(errors) > TOLERANCE_PCT))
        outside += misses
        total += len(errors)
        out.write(f"{name:46s} {np.mean(truth):6.1f} {np.mean(served):7.1f} "
                  f"{np.mean(partial):8.1f} {np.mean(unknown):8.1f} {np.mean(not_served):8.1f} "
                  f"{errors.mean():+9.2f} {worst:+7.1f} {misses:4d}/{len(errors)}\n")
    out.write(f"{outside} of {total} scenarios outside {TOLERANCE_PCT:.0f} points "
              f"({time.perf_counter() - started:.1f} s)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
