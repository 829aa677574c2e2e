"""Fixes as columns: built from fix values with their sentinels, sliced and joined row-wise."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pytest

from dispatch.fixes import FixArrays
from dispatch.tracks import TrackFix
from tests.dispatch.synthetic import T0


def fix(t_s: float, **kwargs: object) -> TrackFix:
    values: dict[str, object] = {"latitude": 50.55, "longitude": 137.0, "speed_kmh": 20.0,
                                 "course_deg": 90.0, "valid": True}
    values.update(kwargs)
    return TrackFix(fix_time=T0 + timedelta(seconds=t_s), **values)  # type: ignore[arg-type]


def test_reported_values_fill_the_columns_row_by_row() -> None:
    rows = [fix(0, latitude=50.5, longitude=137.1, speed_kmh=12.5, course_deg=270.0,
                satellites=9, hdop=1.2, inputs=3, black_box=True,
                received_at=T0 + timedelta(seconds=4)),
            fix(10, valid=False)]
    arrays = FixArrays.from_track_fixes([7, 8], rows, sensor_values=[1.5, 0.0])
    assert len(arrays) == 2
    assert arrays.vehicle.tolist() == [7, 8]
    assert arrays.t.tolist() == [T0.timestamp(), T0.timestamp() + 10]
    assert (arrays.lat[0], arrays.lon[0], arrays.speed_kmh[0], arrays.course_deg[0]) == (
        50.5, 137.1, 12.5, 270.0)
    assert arrays.valid.tolist() == [True, False]
    assert (arrays.satellites[0], arrays.hdop[0], arrays.inputs[0]) == (9, 1.2, 3)
    assert arrays.black_box.tolist() == [True, False]
    assert arrays.received[0] == T0.timestamp() + 4
    assert arrays.sensor_value.tolist() == [1.5, 0.0]


def test_missing_values_become_sentinels_that_survive_numpy() -> None:
    """-1 for satellites and inputs, NaN for HDOP, the sensor value and the arrival time."""
    arrays = FixArrays.from_track_fixes([7], [fix(0)])
    assert (arrays.satellites.tolist(), arrays.inputs.tolist()) == ([-1], [-1])
    assert math.isnan(arrays.hdop[0]) and math.isnan(arrays.received[0])
    assert math.isnan(arrays.sensor_value[0])
    assert (arrays.vehicle.dtype, arrays.t.dtype, arrays.valid.dtype, arrays.inputs.dtype) == (
        np.int64, np.float64, np.bool_, np.int64)


def test_a_zero_reading_is_not_mistaken_for_a_missing_one() -> None:
    arrays = FixArrays.from_track_fixes([7], [fix(0, satellites=0, inputs=0, hdop=0.0)])
    assert (arrays.satellites[0], arrays.inputs[0], arrays.hdop[0]) == (0, 0, 0.0)


def test_fix_times_without_a_zone_are_refused() -> None:
    naive = replace(fix(0), fix_time=datetime(2026, 1, 14, 2, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        FixArrays.from_track_fixes([7], [naive])
    late = replace(fix(0), received_at=datetime(2026, 1, 14, 2, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        FixArrays.from_track_fixes([7], [late])


def test_one_vehicle_id_is_needed_per_fix() -> None:
    with pytest.raises(ValueError, match="one vehicle id per fix"):
        FixArrays.from_track_fixes([7, 8], [fix(0)])


def test_columns_of_different_lengths_are_refused_by_name() -> None:
    arrays = FixArrays.from_track_fixes([7, 7], [fix(0), fix(10)])
    with pytest.raises(ValueError, match="column hdop has 1 rows, not 2"):
        replace(arrays, hdop=arrays.hdop[:1])


def test_take_keeps_the_chosen_rows_of_every_column() -> None:
    arrays = FixArrays.from_track_fixes([7, 8, 9], [fix(0, satellites=5), fix(10),
                                                    fix(20, satellites=7)])
    by_index = arrays.take(np.array([2, 0]))
    by_mask = arrays.take(np.array([True, False, True]))
    assert by_index.vehicle.tolist() == [9, 7] and by_index.satellites.tolist() == [7, 5]
    assert by_mask.vehicle.tolist() == [7, 9] and by_mask.t.tolist() == [
        T0.timestamp(), T0.timestamp() + 20]


def test_concat_joins_parts_in_order_and_nothing_joins_to_empty() -> None:
    first = FixArrays.from_track_fixes([7], [fix(0)])
    second = FixArrays.from_track_fixes([8, 9], [fix(5, inputs=1), fix(10)],
                                        sensor_values=[2.0, 3.0])
    joined = FixArrays.concat([first, second])
    assert joined.vehicle.tolist() == [7, 8, 9]
    assert joined.inputs.tolist() == [-1, 1, -1]
    assert joined.sensor_value[1:].tolist() == [2.0, 3.0] and math.isnan(joined.sensor_value[0])
    empty = FixArrays.concat([])
    assert len(empty) == 0 and empty.t.dtype == np.float64
    assert len(FixArrays.empty()) == 0 and FixArrays.empty().vehicle.dtype == np.int64
