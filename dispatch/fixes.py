"""Fixes as columns: one numpy array per field, so that a city day is processed in bulk.

A day of the city's fleet is over a million fixes; a Python object per fix costs more time in
attribute look-ups than the whole coverage computation. The read side fills these columns
straight from the database (``db.coverage``) and the tests build them from ``TrackFix`` values.

Missing values have sentinels that survive numpy: -1 for satellites and inputs, NaN for HDOP,
for the equipment sensor's value and for an unknown arrival time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime

import numpy as np
import numpy.typing as npt

from dispatch.tracks import TrackFix

__all__ = ["BoolArray", "FixArrays", "FloatArray", "IntArray"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True, eq=False)
class FixArrays:
    """Fixes of any number of vehicles, in any order; every array has the same length."""

    vehicle: IntArray
    t: FloatArray  # fix time, POSIX seconds
    lon: FloatArray
    lat: FloatArray
    speed_kmh: FloatArray
    course_deg: FloatArray
    valid: BoolArray
    satellites: IntArray  # -1: not reported
    hdop: FloatArray  # NaN: not reported
    inputs: IntArray  # digital inputs mask, -1: not reported
    sensor_value: FloatArray  # the vehicle's configured equipment attribute, NaN: absent
    black_box: BoolArray
    received: FloatArray  # when the fix arrived, POSIX seconds; NaN: not known

    def __post_init__(self) -> None:
        n = len(self.vehicle)
        for f in fields(self):
            if len(getattr(self, f.name)) != n:
                raise ValueError(f"column {f.name} has {len(getattr(self, f.name))} rows, not {n}")

    def __len__(self) -> int:
        return len(self.vehicle)

    def take(self, index: npt.ArrayLike) -> FixArrays:
        """The rows at ``index`` (an index array or a boolean mask), as new arrays."""
        return FixArrays(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @classmethod
    def empty(cls) -> FixArrays:
        return cls.from_track_fixes([], [])

    @classmethod
    def concat(cls, parts: Sequence[FixArrays]) -> FixArrays:
        if not parts:
            return cls.empty()
        return FixArrays(**{f.name: np.concatenate([getattr(p, f.name) for p in parts])
                            for f in fields(cls)})

    @classmethod
    def from_track_fixes(cls, vehicle_ids: Sequence[int], fixes: Sequence[TrackFix],
                         sensor_values: Sequence[float] | None = None) -> FixArrays:
        """Columns from fix values, ``vehicle_ids[i]`` being the vehicle of ``fixes[i]``."""
        if len(vehicle_ids) != len(fixes):
            raise ValueError("one vehicle id per fix")
        return cls(
            vehicle=np.asarray(vehicle_ids, dtype=np.int64).reshape(-1),
            t=np.array([_seconds(f.fix_time) for f in fixes], dtype=np.float64),
            lon=np.array([f.longitude for f in fixes], dtype=np.float64),
            lat=np.array([f.latitude for f in fixes], dtype=np.float64),
            speed_kmh=np.array([f.speed_kmh for f in fixes], dtype=np.float64),
            course_deg=np.array([f.course_deg for f in fixes], dtype=np.float64),
            valid=np.array([f.valid for f in fixes], dtype=np.bool_),
            satellites=np.array([-1 if f.satellites is None else f.satellites for f in fixes],
                                dtype=np.int64),
            hdop=np.array([np.nan if f.hdop is None else f.hdop for f in fixes],
                          dtype=np.float64),
            inputs=np.array([-1 if f.inputs is None else f.inputs for f in fixes],
                            dtype=np.int64),
            sensor_value=(np.full(len(fixes), np.nan) if sensor_values is None
                          else np.asarray(sensor_values, dtype=np.float64)),
            black_box=np.array([f.black_box for f in fixes], dtype=np.bool_),
            received=np.array([np.nan if f.received_at is None else _seconds(f.received_at)
                               for f in fixes], dtype=np.float64),
        )


def _seconds(t: datetime) -> float:
    if t.tzinfo is None:
        raise ValueError("fix times must be timezone-aware")
    return t.timestamp()
