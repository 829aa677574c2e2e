"""The coverage engine against synthetic drives whose true served length is known."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from dispatch.coverage import CoverageResult, RouteCoverage, compute_coverage
from dispatch.equipment import VehicleInfo
from dispatch.fixes import FixArrays
from dispatch.projection import to_metric, to_wgs84
from dispatch.routes import Route
from tests.dispatch.synthetic import T0, Drive, arrays, bus, plough, street, window

EAST_WEST = ((0.0, 0.0), (1000.0, 0.0))
THERE_AND_BACK = [(-60.0, 0.0), (1060.0, 0.0), (1060.0, 4.0), (-60.0, 4.0)]


def run(routes: list[Route], fixes: FixArrays,
        vehicles: dict[int, VehicleInfo] | None = None) -> CoverageResult:
    vehicles = vehicles if vehicles is not None else {7: plough(7)}
    return compute_coverage(routes, fixes, vehicles, window=window(), now=T0)


def only(result: CoverageResult) -> RouteCoverage:
    (rc,) = result.routes
    return rc


def test_street_driven_both_ways_is_fully_served() -> None:
    """Out and back with the blade down serves every bin in both directions."""
    rc = only(run([street(1, EAST_WEST)], arrays(Drive(7, THERE_AND_BACK))))
    assert rc.state_m["served"] == pytest.approx(1000.0, abs=1.0)
    assert rc.serviced
    assert all(s.passes == (1, 1) for s in rc.stretches)


def test_street_driven_one_way_only_is_partial_on_a_two_way_route() -> None:
    """A two-way route driven in one direction only is partial, never served."""
    drive = Drive(7, [(-60.0, 0.0), (1060.0, 0.0)])
    rc = only(run([street(1, EAST_WEST)], arrays(drive)))
    assert rc.state_m["served"] == 0.0
    assert rc.state_m["partial"] == pytest.approx(1000.0, abs=1.0)


def test_perpendicular_street_merely_crossed_earns_nothing() -> None:
    """Crossing a route at right angles credits no bin at all."""
    route = street(1, ((500.0, -500.0), (500.0, 500.0)))
    drive = Drive(7, [(-200.0, 0.0), (1200.0, 0.0), (1200.0, 4.0), (-200.0, 4.0)])
    rc = only(run([route], arrays(drive)))
    assert rc.state_m["served"] == 0.0 and rc.state_m["partial"] == 0.0
    assert rc.state_m["not_served"] == pytest.approx(1000.0, abs=1.0)


def test_crossing_at_an_angle_with_noise_earns_nothing() -> None:
    """A diagonal crossing (60 degrees) with GPS noise still earns nothing."""
    route = street(1, ((0.0, -500.0), (0.0, 500.0)))
    drive = Drive(7, [(-500.0, -290.0), (500.0, 290.0)], noise_m=5.0, seed=3)
    rc = only(run([route], arrays(drive)))
    assert rc.state_m["served"] == 0.0 and rc.state_m["partial"] == 0.0


def test_parallel_street_30m_away_earns_nothing() -> None:
    """Driving a parallel street 30 m off the route, both ways, with noise, earns nothing."""
    drive = Drive(7, [(-60.0, 30.0), (1060.0, 30.0), (1060.0, 34.0), (-60.0, 34.0)],
                  noise_m=5.0, seed=11)
    rc = only(run([street(1, EAST_WEST)], arrays(drive)))
    assert rc.state_m["served"] == 0.0 and rc.state_m["partial"] == 0.0


def test_350m_data_gap_is_unknown_not_served() -> None:
    """Fixes missing over 350 m leave that stretch unknown (reason gap), never served."""
    route = street(1, EAST_WEST, direction="as_drawn")
    drive = Drive(7, [(-60.0, 0.0), (1060.0, 0.0)], drop=lambda d: 360.0 <= d <= 710.0)
    rc = only(run([route], arrays(drive)))
    assert rc.state_m["unknown"] == pytest.approx(350.0, abs=40.0)
    assert rc.state_m["served"] == pytest.approx(650.0, abs=40.0)
    assert rc.state_m["served"] + rc.state_m["unknown"] == pytest.approx(1000.0, abs=1.0)
    (gap,) = [s for s in rc.stretches if s.state == "unknown"]
    assert gap.reason == "gap" and gap.gaps and gap.gaps[0].gap_m > 150.0
    assert 270.0 <= gap.m_from <= 320.0 and 640.0 <= gap.m_to <= 690.0


def test_blade_up_is_not_served() -> None:
    """The same drive with the blade raised serves nothing."""
    rc = only(run([street(1, EAST_WEST)], arrays(Drive(7, THERE_AND_BACK, blade=False))))
    assert rc.state_m["not_served"] == pytest.approx(1000.0, abs=1.0)


def test_blade_raised_halfway_serves_only_the_first_half() -> None:
    """Raising the blade halfway along a one-way route serves the first half only."""
    route = street(1, EAST_WEST, direction="as_drawn")
    drive = Drive(7, [(-60.0, 0.0), (1060.0, 0.0)], blade=lambda d: d < 560.0)
    rc = only(run([route], arrays(drive)))
    assert rc.state_m["served"] == pytest.approx(500.0, abs=40.0)
    assert rc.state_m["not_served"] == pytest.approx(500.0, abs=40.0)


def test_wrong_direction_on_one_way_route_is_not_served() -> None:
    """Driving a one-way route against its drawn direction does not serve it."""
    route = street(1, EAST_WEST, direction="as_drawn")
    rc = only(run([route], arrays(Drive(7, [(1060.0, 0.0), (-60.0, 0.0)]))))
    assert rc.state_m["served"] == 0.0 and rc.state_m["partial"] == 0.0
    assert all(s.passes == (0, 1) for s in rc.stretches)


def test_right_direction_on_one_way_route_is_served() -> None:
    """Driving a one-way route as drawn serves it."""
    route = street(1, EAST_WEST, direction="as_drawn")
    rc = only(run([route], arrays(Drive(7, [(-60.0, 0.0), (1060.0, 0.0)]))))
    assert rc.state_m["served"] == pytest.approx(1000.0, abs=1.0)


def test_gps_noise_5m_still_serves_at_least_95_percent() -> None:
    """With sigma = 5 m noise on every fix, at least 95 % of the driven street is served."""
    lane_back = [(-60.0, 0.0), (1060.0, 0.0), (1060.0, 3.0), (-60.0, 3.0)]
    served = []
    for seed in range(30):
        drive = Drive(7, lane_back, noise_m=5.0, seed=seed, speed_noise_kmh=2.0)
        rc = only(run([street(1, EAST_WEST)], arrays(drive)))
        served.append(rc.state_m["served"])
        assert max(max(s.passes) for s in rc.stretches) <= 1, "noise must not add passes"
    assert min(served[:10]) >= 950.0, served
    assert sum(served) / len(served) >= 980.0, served


def test_late_black_box_replay_changes_the_result_on_recompute() -> None:
    """Fixes uploaded later from the black box turn an unknown stretch into a served one."""
    route = street(1, EAST_WEST, direction="as_drawn")
    live = Drive(7, [(-60.0, 0.0), (1060.0, 0.0)], drop=lambda d: 360.0 <= d <= 710.0)
    replay = Drive(7, [(-60.0, 0.0), (1060.0, 0.0)], drop=lambda d: not 360.0 <= d <= 710.0,
                   black_box=True)
    before = only(run([route], arrays(live)))
    after = only(run([route], FixArrays.concat([arrays(replay), arrays(live)])))
    assert before.state_m["unknown"] > 300.0
    assert after.state_m["served"] == pytest.approx(1000.0, abs=1.0)
    assert any(r.black_box for s in after.stretches for r in s.runs)


def test_vehicle_without_sensor_earns_unconfirmed_credit_only() -> None:
    """A plough without an equipment sensor never serves: its passes make bins unknown."""
    rc = only(run([street(1, EAST_WEST)], arrays(Drive(7, THERE_AND_BACK)),
                  {7: plough(7, sensor=False)}))
    assert rc.state_m["served"] == 0.0
    assert rc.state_m["unknown"] == pytest.approx(1000.0, abs=1.0)
    assert {s.reason for s in rc.stretches} == {"unconfirmed"}
    assert all(s.unconfirmed_passes == (1, 1) for s in rc.stretches)
    assert not rc.stretches[0].runs[0].confirmed


def test_terminal_that_does_not_report_inputs_is_unconfirmed() -> None:
    """A sensor is configured but the fixes carry no input mask: the credit is unconfirmed."""
    drive = Drive(7, THERE_AND_BACK, report_inputs=False)
    rc = only(run([street(1, EAST_WEST)], arrays(drive)))
    assert rc.state_m["served"] == 0.0 and rc.state_m["unknown"] == pytest.approx(1000.0, abs=1)


def test_bus_driving_the_street_earns_nothing() -> None:
    """A vehicle without equipment (a bus) is not a clearing vehicle, whatever its inputs."""
    rc = only(run([street(1, EAST_WEST)], arrays(Drive(9, THERE_AND_BACK)), {9: bus(9)}))
    assert rc.state_m["not_served"] == pytest.approx(1000.0, abs=1.0)


def test_spreader_does_not_serve_a_plough_route() -> None:
    """The treatment must match: a spreader's passes do not plough a street."""
    spreader = VehicleInfo(id=7, name="ПГМ", kind="sander", tool="spreader",
                           sensor=plough(7).sensor)
    rc = only(run([street(1, EAST_WEST)], arrays(Drive(7, THERE_AND_BACK)), {7: spreader}))
    assert rc.state_m["served"] == 0.0
    rc = only(run([street(1, EAST_WEST, treatment="spread")], arrays(Drive(7, THERE_AND_BACK)),
                  {7: spreader}))
    assert rc.state_m["served"] == pytest.approx(1000.0, abs=1.0)


def test_too_fast_with_blade_down_is_not_credited() -> None:
    """Above the plough band (45 km/h) a pass does not count."""
    rc = only(run([street(1, EAST_WEST)], arrays(Drive(7, THERE_AND_BACK, speed_kmh=70.0))))
    assert rc.state_m["served"] == 0.0 and rc.state_m["partial"] == 0.0


def test_two_passes_required_with_one_is_partial_and_with_two_is_served() -> None:
    """passes_required counts passes per direction."""
    route = street(1, EAST_WEST, passes_required=2)
    once = Drive(7, THERE_AND_BACK)
    twice = Drive(7, THERE_AND_BACK, start=once.end_time() + timedelta(minutes=2))
    assert only(run([route], arrays(once))).state_m["partial"] == pytest.approx(1000, abs=1)
    rc = only(run([route], arrays(once, twice)))
    assert rc.state_m["served"] == pytest.approx(1000.0, abs=1.0)
    assert rc.cleared_at is not None and rc.cleared_at >= twice.start.timestamp()


def test_assigned_vehicle_offline_makes_the_route_unknown() -> None:
    """A route whose assigned vehicles sent nothing is unknown (offline), not 'not served'."""
    route = street(1, EAST_WEST, assigned_vehicles=(42,))
    rc = only(run([route], arrays(Drive(7, [(5000.0, 0.0), (6000.0, 0.0)])),
                  {7: plough(7), 42: plough(42)}))
    assert rc.state_m["unknown"] == pytest.approx(1000.0, abs=1.0)
    assert {s.reason for s in rc.stretches} == {"offline"}


def test_unassigned_vehicle_does_not_serve_an_assigned_route() -> None:
    """When a route lists its vehicles, only their passes count."""
    route = street(1, EAST_WEST, assigned_vehicles=(42,))
    rc = only(run([route], arrays(Drive(7, THERE_AND_BACK)), {7: plough(7), 42: plough(42)}))
    assert rc.state_m["served"] == 0.0


def test_two_vehicles_each_one_way_serve_together() -> None:
    """One vehicle each way: the bins are served and both vehicles are named."""
    east = Drive(7, [(-60.0, 0.0), (1060.0, 0.0)])
    west = Drive(8, [(1060.0, 4.0), (-60.0, 4.0)], start=T0 + timedelta(minutes=30))
    rc = only(run([street(1, EAST_WEST)], arrays(east, west), {7: plough(7), 8: plough(8)}))
    assert rc.state_m["served"] == pytest.approx(1000.0, abs=1.0)
    assert rc.stretches[0].vehicles == (7, 8)


def test_fixes_outside_the_window_are_ignored() -> None:
    """Only fixes inside [from, to] count."""
    late = Drive(7, THERE_AND_BACK, start=T0 + timedelta(hours=10))
    rc = only(run([street(1, EAST_WEST)], arrays(late)))
    assert rc.state_m["not_served"] == pytest.approx(1000.0, abs=1.0)


def test_silence_that_resumes_up_the_cross_street_leaves_the_rest_unknown() -> None:
    """Silent from 581 m, heard again 150 m up the cross street at the route's end: what the
    vehicle could have covered meanwhile (581-1000 m) is unknown, not 'not served'."""
    route = street(1, EAST_WEST, direction="as_drawn")
    path = [(-60.0, 0.0), (1000.0, 0.0), (1000.0, 600.0)]
    drive = Drive(7, path, drop=lambda d: 641.0 < d < 1210.0)
    rc = only(run([route], arrays(drive)))
    assert rc.state_m["served"] == pytest.approx(580.0, abs=20.0)
    assert rc.state_m["unknown"] == pytest.approx(420.0, abs=20.0)
    assert rc.state_m["not_served"] == 0.0
    (unknown,) = [s for s in rc.stretches if s.state == "unknown"]
    assert unknown.reason == "gap" and unknown.m_to == pytest.approx(1000.0)


def test_terminal_reporting_every_75s_is_unknown_never_not_served() -> None:
    """Fixes 75 s apart bracket the street: each pause is a silence, so nothing is decided."""
    rc = only(run([street(1, EAST_WEST)], arrays(Drive(7, THERE_AND_BACK, interval_s=75.0))))
    assert rc.state_m["unknown"] == pytest.approx(1000.0, abs=1.0)


def test_fixes_timed_in_the_future_are_never_credited() -> None:
    """Fixes stamped 10 minutes after they arrived earn nothing and are counted."""
    fixes = arrays(Drive(7, THERE_AND_BACK))
    skewed = fixes.take(np.arange(len(fixes)))
    skewed.received[:] = skewed.t - 600.0
    result = run([street(1, EAST_WEST)], skewed)
    assert only(result).state_m["not_served"] == pytest.approx(1000.0, abs=1.0)
    assert result.data_quality["FUTURE_TIME"] == len(fixes) and result.data_quality["usable"] == 0
    on_time = run([street(1, EAST_WEST)], fixes)
    assert only(on_time).state_m["served"] == pytest.approx(1000.0, abs=1.0)


def test_silence_alongside_the_street_reaches_it() -> None:
    """Silent for 80 s between two fixes 200 m off the street and 800 m apart: at 45 km/h the
    vehicle could have driven the street's middle 740 m meanwhile, which is unknown."""
    drive = Drive(7, [(100.0, 200.0), (900.0, 200.0)], speed_kmh=36.0, interval_s=80.0)
    rc = only(run([street(1, EAST_WEST)], arrays(drive)))
    assert rc.state_m["unknown"] == pytest.approx(740.0, abs=20.0)
    assert rc.state_m["not_served"] == pytest.approx(260.0, abs=20.0)


def test_reported_course_across_the_street_earns_nothing() -> None:
    """Fixes that line up along the street (as noise can make a slow crossing look) while the
    terminal's course points 60 degrees across it earn nothing; the same fixes from a
    terminal that sends no course (always 0) are judged by position alone and serve it."""
    route = street(1, EAST_WEST, direction="as_drawn")
    along = arrays(Drive(7, [(-60.0, 0.0), (1060.0, 0.0)], speed_kmh=8.0, interval_s=8.0))
    across = along.take(np.arange(len(along)))
    across.course_deg[:] = 30.0  # 60 degrees off the route's bearing of 90
    rc = only(run([route], across))
    assert rc.state_m["served"] == 0.0 and rc.state_m["partial"] == 0.0
    no_course = along.take(np.arange(len(along)))
    no_course.course_deg[:] = 0.0
    assert only(run([route], no_course)).state_m["served"] == pytest.approx(1000.0, abs=1.0)


def test_street_entered_and_left_by_side_streets_is_served_to_its_corners() -> None:
    """Turning in from a side street and out to another, fixes every 5 s: the pass reaches
    both corners, not just its first and last fixes on the street."""
    route = street(1, EAST_WEST, direction="as_drawn")
    drive = Drive(7, [(0.0, -300.0), (0.0, 0.0), (1000.0, 0.0), (1000.0, 300.0)])
    rc = only(run([route], arrays(drive)))
    assert rc.state_m["served"] == pytest.approx(1000.0, abs=1.0)


def test_sparse_terminal_turning_in_unseen_leaves_the_ends_unknown() -> None:
    """Fixes every 60 s (600 m apart) around side-street corners: where the turn in and out
    went unseen the street is unknown, never 'not served'; between its fixes it is served."""
    route = street(1, EAST_WEST, direction="as_drawn")
    drive = Drive(7, [(0.0, -800.0), (0.0, 0.0), (1000.0, 0.0), (1000.0, 800.0)],
                  speed_kmh=36.0, interval_s=60.0)
    rc = only(run([route], arrays(drive)))
    assert rc.state_m["not_served"] == 0.0 and rc.state_m["partial"] == 0.0
    assert rc.state_m["served"] == pytest.approx(600.0, abs=1.0)
    assert {s.reason for s in rc.stretches if s.state == "unknown"} == {"gap"}


@pytest.mark.parametrize("interval_s", [1.0, 5.0])
@pytest.mark.parametrize("jump", [(0.0, 25.0), (0.0, 35.0), (-15.0, -15.0)])
def test_one_outlier_does_not_break_a_pass(jump: tuple[float, float], interval_s: float) -> None:
    """A single fix thrown 25 m or 35 m aside (out of the corridor) or 15 m back and aside,
    mid-street (too slow a jump to be cleaned away as a spike): still one pass each way over
    the whole street."""
    fixes = arrays(Drive(7, THERE_AND_BACK, interval_s=interval_s, noise_m=4.0, seed=2))
    middle = len(fixes) // 4
    x, y = to_metric(fixes.lon[middle], fixes.lat[middle])
    fixes.lon[middle], fixes.lat[middle] = to_wgs84(x + jump[0], y + jump[1])
    rc = only(run([street(1, EAST_WEST)], fixes))
    assert rc.state_m["served"] == pytest.approx(1000.0, abs=1.0)
    assert all(s.passes == (1, 1) for s in rc.stretches)


def test_two_ploughs_turning_mid_street_leave_no_not_served_gap_between_them() -> None:
    """Each plough works half the street both ways and turns at its middle, fixes every 10 s:
    how far each went before turning is not seen, so between their last fixes the street is
    unknown, not 'not served'; the rest is served."""
    west = Drive(7, [(-100.0, 0.0), (500.0, 0.0), (500.0, 4.0), (-100.0, 4.0)],
                 speed_kmh=30.0, interval_s=10.0)
    east = Drive(8, [(1100.0, 0.0), (500.0, 0.0), (500.0, 4.0), (1100.0, 4.0)],
                 speed_kmh=30.0, interval_s=10.0, start=T0 + timedelta(seconds=3))
    rc = only(run([street(1, EAST_WEST)], arrays(west, east), {7: plough(7), 8: plough(8)}))
    assert rc.state_m["not_served"] == 0.0
    assert rc.state_m["served"] >= 900.0
    assert rc.state_m["served"] + rc.state_m["unknown"] == pytest.approx(1000.0, abs=1.0)
