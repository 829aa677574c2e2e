"""The vehicle-motion model that drives the terminal simulator (dispatch.motion)."""

from __future__ import annotations

import math
import statistics
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import LineString, Point

from dispatch.demo_city import demo_bus_lines, demo_routes
from dispatch.motion import (
    PROFILES,
    RouteDriver,
    VehicleState,
    route_length_m,
)
from dispatch.projection import to_metric, to_wgs84

GEOD = Geod(ellps="WGS84")
START = datetime(2025, 1, 20, 21, 0, tzinfo=UTC)


def bent_route() -> tuple[tuple[float, float], ...]:
    """A 2.3 km zig-zag near the centre with a sharp bend and a duplicated vertex."""
    x0, y0 = to_metric(137.0, 50.55)
    steps = [(0, 0), (600, 0), (600, 0), (900, 400), (900, 1000), (500, 1300), (520, 1310)]
    return tuple(to_wgs84(x0 + dx, y0 + dy) for dx, dy in steps)


def metric_line(coordinates: tuple[tuple[float, float], ...]) -> LineString:
    return LineString([to_metric(lon, lat) for lon, lat in coordinates])


def sample(driver: RouteDriver, hours: float, step_s: float = 5.0) -> list[VehicleState]:
    return list(driver.states(START, step_s, int(hours * 3600 / step_s)))


def driver(kind: str = "plow", *, seed: int = 3, coordinates: tuple[tuple[float, float], ...]
           | None = None, **kwargs: object) -> RouteDriver:
    return RouteDriver(coordinates or bent_route(), PROFILES[kind], start_time=START, seed=seed,
                       **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", sorted(PROFILES))
def test_positions_stay_within_one_metre_of_the_polyline(kind: str) -> None:
    """Every reported position lies on the route polyline, measured in UTM 53N."""
    coordinates = bent_route()
    line = metric_line(coordinates)
    for state in sample(driver(kind, coordinates=coordinates), hours=3):
        assert line.distance(Point(to_metric(state.longitude, state.latitude))) < 1.0


def test_positions_on_a_real_route_stay_on_it() -> None:
    """A plough on the longest demo route never leaves the drawn line."""
    route = max(demo_routes(), key=lambda r: len(r.coordinates))
    line = metric_line(route.coordinates)
    for state in sample(driver(coordinates=route.coordinates), hours=4, step_s=7.0):
        assert line.distance(Point(to_metric(state.longitude, state.latitude))) < 1.0


def test_course_is_the_true_bearing_of_the_segment_driven() -> None:
    """Away from vertices the course equals the geodesic bearing of the segment, travel-wise."""
    coordinates = tuple(dict.fromkeys(bent_route()))
    metric = [to_metric(*c) for c in coordinates]
    checked = 0
    for state in sample(driver(coordinates=bent_route()), hours=3, step_s=3.0):
        assert 0.0 <= state.course_deg < 360.0
        here = Point(to_metric(state.longitude, state.latitude))
        if min(here.distance(Point(v)) for v in metric) < 2.0:
            continue
        segment = min(range(len(metric) - 1),
                      key=lambda i: LineString(metric[i:i + 2]).distance(here))
        a, b = coordinates[segment], coordinates[segment + 1]
        expected = GEOD.inv(*a, *b)[0] if state.forward else GEOD.inv(*b, *a)[0]
        difference = (state.course_deg - expected + 180.0) % 360.0 - 180.0
        assert abs(difference) < 0.5
        checked += 1
    assert checked > 1000


@pytest.mark.parametrize("kind", sorted(PROFILES))
def test_speed_stays_within_the_kinds_profile(kind: str) -> None:
    """Speeds are never negative nor above the profile's top; typical working speed is in band."""
    profile = PROFILES[kind]
    states = sample(driver(kind), hours=3)
    assert all(0.0 <= s.speed_kmh <= profile.max_kmh + 1e-9 for s in states)
    working = [s.speed_kmh for s in states
               if s.speed_kmh > 0 and (s.equipment_active or not profile.has_equipment)]
    low, high = profile.work_kmh
    assert low * 0.8 <= statistics.median(working) <= high


def test_reported_speed_agrees_with_distance_driven() -> None:
    """Over each second the odometer grows by the average of the reported speeds."""
    states = sample(driver("sander"), hours=1, step_s=1.0)
    for a, b in zip(states, states[1:], strict=False):
        mean_ms = (a.speed_kmh + b.speed_kmh) / 2 / 3.6
        assert b.odometer_m - a.odometer_m == pytest.approx(mean_ms, abs=0.3)


def test_vehicle_turns_round_at_both_ends() -> None:
    """The vehicle reaches each end, stands there, and comes back the other way."""
    d = driver()
    states = sample(d, hours=3, step_s=2.0)
    at_far_end = [s for s in states if s.route_offset_m > d.length_m - 0.5]
    at_start = [s for s in states if s.route_offset_m < 0.5]
    assert at_far_end and at_start
    assert all(s.speed_kmh < 5.0 for s in at_far_end + at_start)
    flips = sum(1 for a, b in zip(states, states[1:], strict=False) if a.forward != b.forward)
    assert flips >= 4
    for a, b in zip(states, states[1:], strict=False):
        if a.forward != b.forward:  # a U-turn happens at an end, never mid-route
            assert min(b.route_offset_m, d.length_m - b.route_offset_m) < 50.0


def test_offset_moves_the_way_the_vehicle_faces() -> None:
    """Going forward the route offset grows; going back it shrinks."""
    states = sample(driver(), hours=2, step_s=2.0)
    for a, b in zip(states, states[1:], strict=False):
        if a.forward == b.forward:
            delta = b.route_offset_m - a.route_offset_m
            assert delta >= -1e-6 if a.forward else delta <= 1e-6


def test_equipment_is_off_while_turning_round() -> None:
    """Standing at either end for the U-turn the blade is up."""
    d = driver()
    ends = [s for s in sample(d, hours=3, step_s=2.0)[1:]  # the first fix is the moving-off
            if s.speed_kmh == 0 and min(s.route_offset_m, d.length_m - s.route_offset_m) < 0.01]
    assert len(ends) > 20 and not any(s.equipment_active for s in ends)


def test_equipment_is_mostly_on_but_toggles() -> None:
    """A plough works most of the time on a both-ways route, yet lifts its blade now and then."""
    states = sample(driver(), hours=3)
    share = sum(s.equipment_active for s in states) / len(states)
    assert 0.6 < share < 1.0


def test_one_way_route_is_worked_out_and_deadheaded_back() -> None:
    """On an as_drawn route the way back is driven with the tool raised."""
    states = sample(driver(direction="as_drawn"), hours=3)
    assert any(s.equipment_active for s in states if s.forward)
    assert not any(s.equipment_active for s in states if not s.forward)


def test_buses_never_report_equipment_and_stop_at_stops() -> None:
    """A bus has no working equipment and stands at intermediate stops, not only at the ends."""
    line = demo_bus_lines()[0]
    d = driver("bus", coordinates=line.coordinates)
    states = sample(d, hours=2, step_s=2.0)
    assert not any(s.equipment_active for s in states)
    mid_route_stands = {round(s.route_offset_m) for s in states
                        if s.speed_kmh == 0 and 100 < s.route_offset_m < d.length_m - 100}
    assert len(mid_route_stands) >= 5


def test_odometer_increases_monotonically_from_its_start_value() -> None:
    """The odometer starts at the given reading and never goes down."""
    d = driver(odometer_start_m=123_456_000.0, start_offset_m=700.0)
    states = sample(d, hours=4, step_s=3.0)
    assert states[0].odometer_m == pytest.approx(123_456_000.0)
    for a, b in zip(states, states[1:], strict=False):
        assert b.odometer_m >= a.odometer_m
    assert states[-1].odometer_m - states[0].odometer_m > 20_000


def test_odometer_counts_each_metre_driven() -> None:
    """Finely sampled, the odometer matches the sum of along-route moves."""
    states = sample(driver(), hours=1, step_s=1.0)
    moved = sum(abs(b.route_offset_m - a.route_offset_m)
                for a, b in zip(states, states[1:], strict=False))
    assert states[-1].odometer_m - states[0].odometer_m == pytest.approx(moved, abs=1.0)


def test_start_offset_places_the_vehicle_under_way() -> None:
    """An offset below the route length is on the way out, above it on the way back."""
    out = driver(start_offset_m=1000.0).state_at(START)
    assert out.route_offset_m == pytest.approx(1000.0, abs=1e-6) and out.forward
    d = driver(start_offset_m=0.0)
    back = driver(start_offset_m=d.length_m + 300.0).state_at(START)
    assert back.route_offset_m == pytest.approx(d.length_m - 300.0, abs=1e-6)
    assert not back.forward


def test_same_seed_gives_the_same_states_and_another_seed_differs() -> None:
    """The model is deterministic given its seed, and seeds matter."""
    assert sample(driver(seed=5), hours=0.5) == sample(driver(seed=5), hours=0.5)
    assert sample(driver(seed=5), hours=0.5) != sample(driver(seed=6), hours=0.5)


def test_any_moment_can_be_asked_in_any_order() -> None:
    """Asking for a late moment first, then an early one, gives what a forward scan gives."""
    late, early = START + timedelta(hours=30), START + timedelta(minutes=17)
    fresh = driver()
    late_first = (fresh.state_at(late), fresh.state_at(early))
    assert late_first == (driver().state_at(late), driver().state_at(early))


def test_times_must_be_aware_and_not_before_the_start() -> None:
    """Naive datetimes and moments before start_time are refused, not guessed at."""
    d = driver()
    with pytest.raises(ValueError):
        d.state_at(datetime(2025, 1, 20, 22, 0))
    with pytest.raises(ValueError):
        d.state_at(START - timedelta(seconds=1))
    with pytest.raises(ValueError):
        RouteDriver(bent_route(), PROFILES["plow"], start_time=datetime(2025, 1, 1), seed=1)


def test_degenerate_routes_are_refused() -> None:
    """A route without two distinct vertices cannot be driven."""
    with pytest.raises(ValueError):
        driver(coordinates=((137.0, 50.55), (137.0, 50.55)))
    with pytest.raises(ValueError):
        driver(start_offset_m=1e9)


def test_route_length_matches_the_metric_polyline() -> None:
    """route_length_m and the driver agree with shapely's length in UTM 53N."""
    coordinates = bent_route()
    expected = metric_line(coordinates).length
    assert route_length_m(coordinates) == pytest.approx(expected)
    assert driver(coordinates=coordinates).length_m == pytest.approx(expected)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31), fraction=st.floats(0.0, 0.999),
       kind=st.sampled_from(sorted(PROFILES)), step_s=st.floats(0.5, 60.0))
def test_any_seed_and_offset_keep_the_invariants(seed: int, fraction: float, kind: str,
                                                 step_s: float) -> None:
    """Whatever the seed, start and sampling: on the line, sane speed, odometer never back."""
    coordinates = bent_route()
    line = metric_line(coordinates)
    length = route_length_m(coordinates)
    d = driver(kind, seed=seed, start_offset_m=fraction * 2 * length)
    previous = None
    for state in d.states(START, step_s, 200):
        assert line.distance(Point(to_metric(state.longitude, state.latitude))) < 1.0
        assert 0.0 <= state.speed_kmh <= PROFILES[kind].max_kmh + 1e-9
        assert 0.0 <= state.route_offset_m <= length + 1e-6
        assert math.isfinite(state.course_deg) and 0.0 <= state.course_deg < 360.0
        if previous is not None:
            assert state.odometer_m >= previous.odometer_m
        previous = state
