"""How complete each vehicle's data is over a shift, so "no data" cannot hide unworked streets.

A contractor whose machine "had no signal" is paid nothing for the stretches only a silence
hides (they are unknown, never served), but the dispatcher must see the silence itself: per
vehicle over the shift (the storm's window),

- the share of the shift *with data*: of the shift cut into slots of ``expected_interval_s``
  (the rate terminals are configured to report at), the share with at least one usable fix;
- the silences longer than ``gap_s`` (from the shift's start to the first fix and from the
  last fix to the shift's end included) and the longest;
- the invalid fixes (no satellite solution) and the fixes from the future (stamped later than
  they arrived, or later than now: a terminal's clock that cannot be trusted);
- whether the equipment sensor makes sense: configured, reported, and neither always on nor
  never on while the machine moved.

Pure: fixes, vehicles, the shift and "now" in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

import numpy as np

from dispatch.equipment import ON, UNKNOWN, VehicleInfo, sensor_states
from dispatch.fixes import FixArrays

__all__ = ["SENSOR_LABELS", "CompletenessParams", "SensorVerdict", "VehicleCompleteness",
           "data_completeness"]

SensorVerdict = Literal["ok", "not_configured", "not_reported", "stuck_on", "never_on", "idle"]
SENSOR_LABELS: Final[Mapping[str, str]] = {
    "ok": "в порядке", "not_configured": "не настроен", "not_reported": "не передаётся",
    "stuck_on": "всегда включён", "never_on": "ни разу не включился", "idle": "стоял"}
MOVING_KMH: Final = 5.0


@dataclass(frozen=True, slots=True)
class CompletenessParams:
    expected_interval_s: float = 30.0
    gap_s: float = 300.0  # a longer silence is a gap worth a dispatcher's look
    future_tolerance_s: float = 60.0  # clock skew a terminal is allowed
    min_covered_pct: float = 80.0  # below this the vehicle is suspect


@dataclass(frozen=True, slots=True)
class VehicleCompleteness:
    vehicle_id: int
    name: str
    contractor: str | None
    fixes: int
    covered_pct: float
    gaps: int
    longest_gap_s: float
    invalid: int
    future: int
    sensor: SensorVerdict
    suspect: bool  # too little data, fixes from the future, or a sensor that makes no sense


def data_completeness(fixes: FixArrays, vehicles: Mapping[int, VehicleInfo],
                      shift: tuple[datetime, datetime], now: datetime,
                      params: CompletenessParams | None = None) -> list[VehicleCompleteness]:
    """One row per vehicle that has a tool (the machines a storm is worked with), worst first."""
    params = params or CompletenessParams()
    start, end = shift[0].timestamp(), min(shift[1], now).timestamp()
    in_shift = (fixes.t >= start) & (fixes.t <= end)
    future = (fixes.t > now.timestamp() + params.future_tolerance_s) | (
        fixes.t > fixes.received + params.future_tolerance_s)
    rows = []
    for info in vehicles.values():
        if not info.treatments:
            continue
        mine = fixes.vehicle == info.id
        rows.append(_vehicle(info, fixes, np.flatnonzero(mine & in_shift),
                             int(np.count_nonzero(mine & future & (fixes.t >= start))),
                             start, end, params))
    return sorted(rows, key=lambda r: (not r.suspect, r.covered_pct, r.vehicle_id))


def _vehicle(info: VehicleInfo, fixes: FixArrays, rows: np.ndarray, future: int, start: float,
             end: float, params: CompletenessParams) -> VehicleCompleteness:
    ahead = fixes.t[rows] > fixes.received[rows] + params.future_tolerance_s  # NaN: not known
    usable = rows[fixes.valid[rows] & ~ahead]
    times = np.sort(fixes.t[usable])
    slots = max(1, int(np.ceil((end - start) / params.expected_interval_s)))
    filled = len(np.unique(np.minimum(((times - start) // params.expected_interval_s)
                                      .astype(np.int64), slots - 1)))
    silences = np.diff(np.concatenate(([start], times, [end])))
    gaps = silences[silences > params.gap_s]
    covered = round(100.0 * filled / slots, 1)
    sensor = _sensor(info, fixes, usable)
    return VehicleCompleteness(
        vehicle_id=info.id, name=info.name, contractor=info.contractor, fixes=len(rows),
        covered_pct=covered, gaps=len(gaps),
        longest_gap_s=round(float(gaps.max()), 1) if len(gaps) else 0.0,
        invalid=int(np.count_nonzero(~fixes.valid[rows])), future=future, sensor=sensor,
        suspect=covered < params.min_covered_pct or future > 0 or sensor not in ("ok", "idle"))


def _sensor(info: VehicleInfo, fixes: FixArrays, rows: np.ndarray) -> SensorVerdict:
    if info.sensor is None:
        return "not_configured"
    states = sensor_states(info.sensor, fixes.inputs[rows], fixes.sensor_value[rows])
    known = states != UNKNOWN
    if len(rows) and not known.any():
        return "not_reported"
    moving = fixes.speed_kmh[rows] >= MOVING_KMH
    if not moving.any():
        return "idle"
    on = states[known] == ON
    if on.all():
        return "stuck_on"
    return "ok" if on.any() else "never_on"
