"""What a coverage result carries: evidence per stretch, summaries per route, vehicle and
contractor, and when a route was cleared."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dispatch.coverage import compute_coverage
from dispatch.fixes import FixArrays
from tests.dispatch.geometry_fixtures import HAIRPIN, L_SHAPED, SELF_TOUCHING_LOOP
from tests.dispatch.synthetic import (
    EAST_WEST,
    T0,
    THERE_AND_BACK,
    Drive,
    arrays,
    plough,
    street,
    two_routes_result,
    window,
)


def test_served_stretch_carries_its_evidence() -> None:
    """A served stretch names its vehicle, the passes with their fixes, and the sensor reading."""
    result = two_routes_result()
    rc = result.route(1)
    (served,) = [s for s in rc.stretches if s.state == "served"]
    assert served.vehicles == (7,)
    directions = {r.direction for r in served.runs}
    assert directions == {"as_drawn", "against"}
    for run in served.runs:
        assert run.confirmed and run.sensor == "input 1 on" and run.fixes > 10
        assert T0.timestamp() <= run.started < run.ended


def test_route_vehicle_and_contractor_summaries() -> None:
    """Per route the states add up to the length; per vehicle and contractor the work is summed."""
    result = two_routes_result()
    for rc in result.routes:
        assert sum(rc.state_m.values()) == pytest.approx(rc.length_m, abs=0.5)
    (work,) = result.vehicle_work()
    assert work.vehicle_id == 7 and work.confirmed_m == pytest.approx(2000.0, rel=0.02)
    by_name = {c.contractor: c for c in result.contractors()}
    assert by_name["ООО «А»"].state_m["served"] == pytest.approx(1000.0, abs=1.0)
    assert by_name["ООО «А»"].worked_m == work.confirmed_m
    assert by_name["ООО «Б»"].state_m["not_served"] == pytest.approx(1000.0, abs=1.0)


def test_cleared_at_is_when_the_last_required_pass_came() -> None:
    """A two-way street is cleared when the return pass reaches the required share of bins."""
    result = two_routes_result()
    rc = result.route(1)
    drive = Drive(7, THERE_AND_BACK)
    assert rc.cleared_at is not None
    assert T0.timestamp() + 100 < rc.cleared_at <= drive.end_time().timestamp()


@pytest.mark.parametrize("shape", [L_SHAPED, HAIRPIN, SELF_TOUCHING_LOOP])
def test_awkward_shapes_driven_as_drawn_are_served(shape: tuple[tuple[float, float], ...]) -> None:
    """Bends, a hairpin 40 m wide and a self-touching loop driven along the line are served."""
    route = street(1, shape, direction="as_drawn", half_width_m=15.0)
    rc = compute_coverage([route], arrays(Drive(7, list(shape))), {7: plough(7)},
                          window=window(), now=T0).routes[0]
    assert rc.state_m["served"] >= 0.9 * rc.length_m, rc.state_m


def test_empty_inputs_give_an_all_not_served_result() -> None:
    """No fixes at all: every route is not served (and nothing crashes)."""
    rc = compute_coverage([street(1, EAST_WEST)], FixArrays.empty(), {}, window=window(),
                          now=T0).routes[0]
    assert rc.state_m["not_served"] == pytest.approx(1000.0, abs=1.0)
    assert rc.cleared_at is None


def test_window_in_reverse_is_refused() -> None:
    """A window that ends before it starts is an error, not an empty result."""
    with pytest.raises(ValueError):
        compute_coverage([], FixArrays.empty(), {}, window=(T0, T0 - timedelta(hours=1)),
                         now=T0)
