"""Data completeness per vehicle over a shift, on constructed fix streams."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from dispatch.data_completeness import CompletenessParams, data_completeness
from dispatch.fixes import FixArrays
from dispatch.tracks import TrackFix
from tests.dispatch.synthetic import T0, bus, plough

SHIFT = (T0, T0 + timedelta(minutes=10))  # twenty 30-second slots
NOW = T0 + timedelta(minutes=10)


def fix(t_s: float, *, speed: float = 20.0, inputs: int | None = 1, valid: bool = True,
        arrived_s: float | None = None) -> TrackFix:
    arrived = T0 + timedelta(seconds=t_s if arrived_s is None else arrived_s)
    return TrackFix(fix_time=T0 + timedelta(seconds=t_s), latitude=50.55, longitude=137.0,
                    speed_kmh=speed, course_deg=90.0, valid=valid, inputs=inputs,
                    black_box=False, satellites=10, hdop=1.0, received_at=arrived)


def stream(vehicle_id: int, fixes: list[TrackFix]) -> FixArrays:
    return FixArrays.from_track_fixes([vehicle_id] * len(fixes), fixes)


def test_a_vehicle_silent_for_half_the_shift_has_half_of_it_with_data_and_one_gap() -> None:
    """Fixes every 30 s over the first 5 min, then nothing: 10 of 20 slots, one 5.5 min gap
    (from the last fix at 270 s to the shift's end), suspect below 80 %."""
    (row,) = data_completeness(stream(7, [fix(t, inputs=int(t < 150)) for t in range(0, 300, 30)]),
                               {7: plough(7)},
                               SHIFT, NOW)
    assert (row.covered_pct, row.gaps, row.longest_gap_s, row.suspect) == (50.0, 1, 330.0, True)
    assert (row.fixes, row.invalid, row.future, row.sensor) == (10, 0, 0, "ok")


def test_invalid_and_future_fixes_are_counted_and_give_no_coverage() -> None:
    """Every 30 s all shift long, but two without a solution and one stamped 2 min after it
    arrived: 17 of 20 slots with data, and a clock from the future makes the vehicle suspect."""
    fixes = [fix(t, valid=t not in (60, 90), arrived_s=t - 120 if t == 150 else None)
             for t in range(0, 600, 30)]
    (row,) = data_completeness(stream(7, fixes), {7: plough(7)}, SHIFT, NOW)
    assert (row.covered_pct, row.invalid, row.future, row.gaps) == (85.0, 2, 1, 0)
    assert row.suspect


def test_the_equipment_sensor_is_judged_for_sense() -> None:
    """Always on, never on while moving, never reported, not configured; a machine that
    stood still all shift cannot tell; one that switched is in order."""
    full = range(0, 600, 30)
    cases = {
        "stuck_on": [fix(t, inputs=1) for t in full],
        "never_on": [fix(t, inputs=0) for t in full],
        "not_reported": [fix(t, inputs=None) for t in full],
        "idle": [fix(t, inputs=0, speed=0.0) for t in full],
        "ok": [fix(t, inputs=int(t < 300)) for t in full],
    }
    for verdict, fixes in cases.items():
        (row,) = data_completeness(stream(7, fixes), {7: plough(7)}, SHIFT, NOW)
        assert (row.sensor, row.suspect) == (verdict, verdict not in ("ok", "idle")), verdict
    (row,) = data_completeness(stream(7, cases["ok"]), {7: replace(plough(7), sensor=None)},
                               SHIFT, NOW)
    assert row.sensor == "not_configured"


def test_only_machines_with_a_tool_are_listed_worst_first_silent_ones_included() -> None:
    """A bus is not a storm's machine; a plough that never reported is listed first, at 0 %."""
    rows = data_completeness(stream(7, [fix(t, inputs=int(t < 300)) for t in range(0, 600, 30)]),
                             {7: plough(7), 8: plough(8), 9: bus(9)}, SHIFT, NOW,
                             CompletenessParams())
    assert [(r.vehicle_id, r.covered_pct, r.suspect, r.gaps) for r in rows] == [
        (8, 0.0, True, 1), (7, 100.0, False, 0)]
