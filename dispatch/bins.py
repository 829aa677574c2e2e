"""Per-bin verdicts of one route: passes per direction, service times, and the state.

Each bin is in exactly one state (research/domain.md §2.4):

- **served**: every required direction has at least ``passes_required`` sensor-confirmed passes;
- **unknown**: not served, but it might have been: the bin is within reach of a silence of an
  eligible vehicle (``silences``), or unconfirmed passes (no equipment sensor) would complete
  it, or the route's assigned vehicles sent nothing at all in the window. Unknown is never
  counted as served, and never as failed either;
- **partial**: some passes in a required direction (confirmed or not), not enough;
- **not served**: nothing.

Served wins over unknown (another vehicle's confirmed passes settle it whatever a gap hid), and
unknown wins over partial (the missing pass may be exactly what the gap hid).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dispatch.crediting import RouteCredit
from dispatch.fixes import BoolArray, FloatArray, IntArray
from dispatch.route_geometry import RouteGeometry

__all__ = ["BinState", "BinTable", "UnknownReason", "bin_table"]


class BinState(enum.IntEnum):
    NOT_SERVED = 0
    PARTIAL = 1
    UNKNOWN = 2
    SERVED = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class UnknownReason(enum.IntEnum):
    NONE = 0
    GAP = 1  # within reach of a silence (data gap)
    UNCONFIRMED = 2  # passes by a vehicle whose equipment state was not reported
    OFFLINE = 3  # the route's assigned vehicles reported nothing in the window

    @property
    def label(self) -> str | None:
        return None if self is UnknownReason.NONE else self.name.lower()


@dataclass(frozen=True, slots=True, eq=False)
class BinTable:
    """Arrays over a route's bins; times are POSIX seconds, NaN (or inf for cleared) = never."""

    passes: IntArray  # (n_bins, 2) confirmed passes, column 0 as drawn, 1 against
    unconfirmed: IntArray  # (n_bins, 2)
    first_service: FloatArray
    last_service: FloatArray
    cleared_at: FloatArray  # when the bin became served (inf: not served)
    state: npt.NDArray[np.int8]
    reason: npt.NDArray[np.int8]
    # the deduplicated (bin, run, time) rows, sorted by bin: what evidence is drawn from
    entry_bin: IntArray
    entry_run: IntArray
    entry_time: FloatArray

    def count(self, state: BinState) -> int:
        return int(np.count_nonzero(self.state == state))


def bin_table(geom: RouteGeometry, credit: RouteCredit, *, offline: bool) -> BinTable:
    """Aggregate a route's credit into per-bin passes, times and states."""
    n = geom.n_bins
    route = geom.route
    bins, runs, times = _dedupe(credit)
    direction = credit.run_direction[runs]
    confirmed = credit.run_confirmed[runs]
    slot = bins * 2 + direction
    passes = np.bincount(slot[confirmed], minlength=2 * n).reshape(n, 2).astype(np.int64)
    unconfirmed = np.bincount(slot[~confirmed], minlength=2 * n).reshape(n, 2).astype(np.int64)
    first = np.full(n, math.inf)
    last = np.full(n, -math.inf)
    np.minimum.at(first, bins[confirmed], times[confirmed])
    np.maximum.at(last, bins[confirmed], times[confirmed])
    first[np.isinf(first)] = math.nan
    last[np.isinf(last)] = math.nan

    required = list(route.required_directions)
    k = route.passes_required
    cleared = np.full(n, -math.inf)
    for d in required:
        cleared = np.maximum(cleared, _kth_time(n, bins, times, confirmed & (direction == d), k))
    satisfied = np.all(passes[:, required] >= k, axis=1)
    possible = np.all(passes[:, required] + unconfirmed[:, required] >= k, axis=1)
    with_unconfirmed = possible & (unconfirmed[:, required].sum(axis=1) > 0)
    some = (passes[:, required] + unconfirmed[:, required]).sum(axis=1) > 0

    state = np.full(n, BinState.NOT_SERVED, dtype=np.int8)
    reason = np.full(n, UnknownReason.NONE, dtype=np.int8)
    state[some] = BinState.PARTIAL
    unknown = ~satisfied & (credit.gap_bins | with_unconfirmed | offline)
    state[unknown] = BinState.UNKNOWN
    reason[unknown & offline] = UnknownReason.OFFLINE
    reason[unknown & with_unconfirmed] = UnknownReason.UNCONFIRMED
    reason[unknown & credit.gap_bins] = UnknownReason.GAP
    state[satisfied] = BinState.SERVED
    order = np.argsort(bins, kind="stable")
    return BinTable(passes=passes, unconfirmed=unconfirmed, first_service=first,
                    last_service=last, cleared_at=np.where(satisfied, cleared, math.inf),
                    state=state, reason=reason, entry_bin=bins[order], entry_run=runs[order],
                    entry_time=times[order])


def _dedupe(credit: RouteCredit) -> tuple[IntArray, IntArray, FloatArray]:
    """One row per (bin, run), at the earliest time the run passed it (noise can double back)."""
    if len(credit.entry_bin) == 0:
        return (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    key = credit.entry_bin * max(credit.runs, 1) + credit.entry_run
    order = np.lexsort((credit.entry_time, key))
    key_sorted = key[order]
    first: BoolArray = np.concatenate(([True], key_sorted[1:] != key_sorted[:-1]))
    pick = order[first]
    return credit.entry_bin[pick], credit.entry_run[pick], credit.entry_time[pick]


def _kth_time(n: int, bins: IntArray, times: FloatArray, select: BoolArray, k: int) -> FloatArray:
    """Per bin, the time of the k-th selected pass (inf where there are fewer than k)."""
    b, t = bins[select], times[select]
    order = np.lexsort((t, b))
    b, t = b[order], t[order]
    start = np.searchsorted(b, np.arange(n), side="left")
    count = np.searchsorted(b, np.arange(n), side="right") - start
    out = np.full(n, math.inf)
    has = count >= k
    out[has] = t[start[has] + k - 1]
    return out
