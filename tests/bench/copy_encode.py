"""The writer's COPY BINARY encoder per core: the compiled one against the pure reference.

    python -m tests.bench.copy_encode [--repeat 9] [--seconds 0.2] [--clock cpu] [--profile real]

Rows are the fixes the EGTS session makes of ``egts_decode``'s two workloads, as the intake
hands them to the writer (``FixRow``, two in three with a vehicle): ``real``, the corpus' real
terminal packets (sensor-heavy, ~45 attributes per fix), and ``p10``, POS_DATA + EXT_POS_DATA
fixes (7 attributes each). Each figure is the best of ``--repeat`` timed runs of about
``--seconds`` each (``timing.Timing``); ``--clock cpu`` times with this process' CPU
time. ``--profile`` profiles the pure encoder on one workload instead.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import partial

from db.copy_binary import encode_copy as pure_encode_copy
from db.positions import FixRow
from egts_server.codec.egts import Session, kernels
from egts_server.extensions import load_compiled
from tests.bench.egts_decode import NOW, WORKLOADS
from tests.bench.timing import Timing, profile, timing_parser


def fix_rows(frames: Sequence[bytes]) -> list[FixRow]:
    """The fixes of ``frames``, one terminal per packet."""
    session = Session(now=lambda: NOW, kernels=kernels.PURE)
    rows = []
    for n, frame in enumerate(frames):
        vehicle = None if n % 3 == 0 else 500 + n
        rows += [FixRow(1000 + n, vehicle, NOW, p) for p in session.handle(frame).positions]
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    args = timing_parser(__doc__.split("\n")[0], repeat=9, seconds=0.2, workloads=WORKLOADS,
                         profiled="the pure encoder").parse_args(argv)
    workloads = {name: fix_rows(packets()) for name, packets in WORKLOADS.items()}
    if args.profile:
        profile(partial(pure_encode_copy, workloads[args.profile]), passes=200, lines=12)
        return 0

    compiled = load_compiled("db._compiled_copy")
    timing = Timing.of(args)
    print(timing.headline("rates in rows/s"))
    print(f"{'workload':8} {'rows':>5} {'bytes/row':>9} {'compiled':>10} {'pure':>9} "
          f"{'speed-up':>8}")
    for name, rows in workloads.items():
        stream = pure_encode_copy(rows)
        pure = timing.rate(partial(pure_encode_copy, rows), len(rows))
        if compiled is not None and compiled.encode_copy(rows) != stream:
            raise SystemExit("the compiled encoder's stream differs from the reference's")
        fast_column, speedup = timing.compiled_columns(
            partial(compiled.encode_copy, rows) if compiled is not None else None,
            len(rows), pure, 10)
        print(f"{name:8} {len(rows):5} {len(stream) // len(rows):9} {fast_column} {pure:9,.0f} "
              f"{speedup}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
