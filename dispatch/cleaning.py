"""Track cleaning: order fixes by fix time and flag the ones not to be trusted.

Nothing is deleted. A flagged fix stays in the arrays with the reason in its bit mask, so the
evidence for a verdict can show what was set aside and why (research/domain.md §2.3 step 1):

- INVALID: the terminal said it had no fix, or sent 0/0 or non-finite coordinates;
- POOR_HDOP / FEW_SATELLITES: the quality the terminal reported (only when it reported it);
- DUPLICATE: a second fix of the same vehicle at the same fix time (the first one is kept);
- SPEED_JUMP: a fix that the vehicle would have had to reach faster than the limit and leave
  again as fast (a spike); found in a few vectorised rounds, not a per-fix loop;
- FUTURE_TIME: timed more than ``future_tolerance_s`` after it arrived (when the arrival is
  known), and TOO_EARLY: timed before ``earliest_fix_year``: the terminal's clock is wrong, so
  where and when the fix was taken is not known;
- JITTER: a parked vehicle's wander: reported speed near zero and a hop of a few metres. Such a
  fix still proves the terminal was online (so it does not open a data gap) but earns nothing.

Ordering is by (vehicle, fix time), never arrival: black-box uploads arrive hours late and out
of order, and a recompute with them must see the track as driven.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from dispatch.equipment import UNKNOWN, StateArray, VehicleInfo, sensor_states
from dispatch.fixes import BoolArray, FixArrays, FloatArray, IntArray
from dispatch.parameters import CleaningParams
from dispatch.projection import Projection

__all__ = ["REJECTED", "CleanTrack", "Flag", "clean"]

FlagArray = npt.NDArray[np.uint16]


class Flag(enum.IntFlag):
    """Why a fix is set aside; several can apply."""

    INVALID = 1
    SPEED_JUMP = 2
    POOR_HDOP = 4
    FEW_SATELLITES = 8
    JITTER = 16
    DUPLICATE = 32
    FUTURE_TIME = 64
    TOO_EARLY = 128


#: Fixes with any of these are not used at all; JITTER fixes still count as "online".
REJECTED = (Flag.INVALID | Flag.SPEED_JUMP | Flag.POOR_HDOP | Flag.FEW_SATELLITES
            | Flag.DUPLICATE | Flag.FUTURE_TIME | Flag.TOO_EARLY)


@dataclass(frozen=True, slots=True, eq=False)
class CleanTrack:
    """Fixes sorted by (vehicle, fix time) with metric coordinates, flags and equipment state.

    ``order[i]`` is the row of the input that became row ``i`` here.
    """

    fixes: FixArrays
    order: IntArray
    x: FloatArray
    y: FloatArray
    flags: FlagArray
    equipment: StateArray
    black_box_before: IntArray  # black-box fixes among rows [0, i): any-in-range in O(1)
    course_reported: BoolArray  # the fix's vehicle reports a course (some fix has one not 0)

    def __len__(self) -> int:
        return len(self.fixes)

    @property
    def usable(self) -> BoolArray:
        mask: BoolArray = (self.flags & int(REJECTED)) == 0
        return mask

    def flag_counts(self) -> dict[str, int]:
        """How many fixes carry each flag (for the result's data-quality summary)."""
        return {flag.name or str(flag.value): int(np.count_nonzero(self.flags & int(flag)))
                for flag in Flag}


def clean(fixes: FixArrays, projection: Projection, params: CleaningParams,
          vehicles: Mapping[int, VehicleInfo], rows: IntArray | None = None) -> CleanTrack:
    """Sort, project to metres, flag, and read each fix's equipment state.

    ``rows`` selects the input rows to use (default: all); ``order`` then indexes the input.
    """
    if rows is None:
        order = np.lexsort((fixes.t, fixes.vehicle)).astype(np.int64)
    else:
        order = rows[np.lexsort((fixes.t[rows], fixes.vehicle[rows]))].astype(np.int64)
    f = fixes.take(order)
    x, y = projection.to_metric_array(f.lon, f.lat)
    flags = np.zeros(len(f), dtype=np.uint16)

    bad = ~f.valid | ((f.lat == 0) & (f.lon == 0)) | ~np.isfinite(x) | ~np.isfinite(y)
    flags[bad] |= np.uint16(Flag.INVALID)
    flags[f.hdop > params.max_hdop] |= np.uint16(Flag.POOR_HDOP)
    few = (f.satellites >= 0) & (f.satellites < params.min_satellites)
    flags[few] |= np.uint16(Flag.FEW_SATELLITES)
    same_vehicle = np.zeros(len(f), dtype=np.bool_)
    same_vehicle[1:] = f.vehicle[1:] == f.vehicle[:-1]
    duplicate = np.zeros(len(f), dtype=np.bool_)
    duplicate[1:] = same_vehicle[1:] & (f.t[1:] == f.t[:-1])
    flags[duplicate] |= np.uint16(Flag.DUPLICATE)
    with np.errstate(invalid="ignore"):
        flags[f.t > f.received + params.future_tolerance_s] |= np.uint16(Flag.FUTURE_TIME)
    earliest = datetime(params.earliest_fix_year, 1, 1, tzinfo=UTC).timestamp()
    flags[f.t < earliest] |= np.uint16(Flag.TOO_EARLY)

    _flag_speed_jumps(f, x, y, flags, params.max_implied_speed_kmh)
    _flag_jitter(f, x, y, flags, params)
    return CleanTrack(fixes=f, order=order, x=x, y=y, flags=flags,
                      equipment=_equipment_states(f, vehicles),
                      black_box_before=np.concatenate(([0], np.cumsum(f.black_box))),
                      course_reported=_course_reported(f))


def _links(f: FixArrays, x: FloatArray, y: FloatArray,
           keep: IntArray) -> tuple[IntArray, FloatArray, FloatArray]:
    """For kept rows (sorted), which have a predecessor of the same vehicle, the hop and time."""
    same = f.vehicle[keep[1:]] == f.vehicle[keep[:-1]]
    hop = np.hypot(np.diff(x[keep]), np.diff(y[keep]))
    dt = np.diff(f.t[keep])
    return same.astype(np.int64), hop, dt


def _flag_speed_jumps(f: FixArrays, x: FloatArray, y: FloatArray, flags: FlagArray,
                      max_kmh: float) -> None:
    limit = max_kmh / 3.6
    for ends_too in (False, False, True):
        keep = np.flatnonzero((flags & int(REJECTED)) == 0)
        if len(keep) < 2:
            return
        same, hop, dt = _links(f, x, y, keep)
        fast = same.astype(bool) & (hop > limit * np.maximum(dt, 1e-3))
        has = same.astype(bool)
        in_fast = np.concatenate(([False], fast))
        out_fast = np.concatenate((fast, [False]))
        has_in = np.concatenate(([False], has))
        has_out = np.concatenate((has, [False]))
        spike = in_fast & out_fast
        if ends_too:
            spike |= (in_fast & ~has_out) | (out_fast & ~has_in)
        flags[keep[spike]] |= np.uint16(Flag.SPEED_JUMP)


def _flag_jitter(f: FixArrays, x: FloatArray, y: FloatArray, flags: FlagArray,
                 params: CleaningParams) -> None:
    keep = np.flatnonzero((flags & int(REJECTED)) == 0)
    if len(keep) == 0:
        return
    same, hop, _ = _links(f, x, y, keep)
    near_previous = np.concatenate(([True], ~same.astype(bool) | (hop < params.jitter_radius_m)))
    slow = f.speed_kmh[keep] < params.jitter_speed_kmh
    flags[keep[slow & near_previous]] |= np.uint16(Flag.JITTER)


def _course_reported(f: FixArrays) -> BoolArray:
    """Per fix, whether its vehicle reports a course at all: many terminals send 0 always."""
    turned = np.isfinite(f.course_deg) & (f.course_deg != 0)
    ids, inverse = np.unique(f.vehicle, return_inverse=True)
    any_turned = np.zeros(len(ids), dtype=np.bool_)
    any_turned[inverse[turned]] = True
    reported: BoolArray = any_turned[inverse]
    return reported


def _equipment_states(f: FixArrays, vehicles: Mapping[int, VehicleInfo]) -> StateArray:
    states = np.full(len(f), UNKNOWN, dtype=np.int8)
    if len(f) == 0:
        return states
    starts = np.flatnonzero(np.concatenate(([True], f.vehicle[1:] != f.vehicle[:-1])))
    ends = np.concatenate((starts[1:], [len(f)]))
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        info = vehicles.get(int(f.vehicle[start]))
        if info is not None and info.sensor is not None:
            states[start:end] = sensor_states(info.sensor, f.inputs[start:end],
                                              f.sensor_value[start:end])
    return states
