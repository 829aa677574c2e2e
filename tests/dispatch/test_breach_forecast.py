"""The breach forecast's model, worked on paper: crews along a 1 km street as a loop."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dispatch.breach_forecast import (
    ForecastParams,
    StretchForecast,
    StretchWork,
    crews_on_route,
    forecast_route,
    missing_passes,
)
from dispatch.crews import Crew
from dispatch.projection import projection_for
from tests.dispatch.synthetic import lonlat, street

NOW = 1_768_356_000.0
EAST, WEST = 90.0, 270.0
ROUTE = street(1, ((0.0, 0.0), (1000.0, 0.0)))
WHOLE = StretchWork(0.0, 1000.0, (1, 1))


def crew(x: float, y: float = 0.0, *, course: float | None = EAST, kmh: float | None = 18.0,
         vehicle_id: int = 7, seen_s_ago: float = 10.0) -> Crew:
    lon, lat = lonlat(x, y)
    return Crew(vehicle_id=vehicle_id, contractor="А", treatments=("plough",),
                t=NOW - seen_s_ago, lon=lon, lat=lat, course_deg=course, working_kmh=kmh,
                working_fixes=10 if kmh else 0)


def seconds(forecasts: list[StretchForecast]) -> list[float | None]:
    return [None if f.expected_at is None else round(f.expected_at - NOW, 1) for f in forecasts]


def test_a_crew_heading_along_the_route_finishes_the_way_back_last() -> None:
    """At 200 m heading east at 18 km/h (5 m/s): the pass as drawn ends at 1000 m (160 s),
    the pass back ends at the start after 800 + 1000 m (360 s)."""
    forecasts = forecast_route(ROUTE, [WHOLE], [crew(200.0)], NOW, projection_for())
    assert seconds(forecasts) == [pytest.approx(360.0, abs=0.1)]
    assert forecasts[0].vehicle_id == 7


def test_a_crew_heading_back_is_on_the_loop_s_way_back() -> None:
    """At 200 m heading west: 200 m to finish the way back (40 s), then 1000 m out again to
    finish the pass as drawn (240 s): the stretch is done in 240 s."""
    forecasts = forecast_route(ROUTE, [WHOLE], [crew(200.0, course=WEST)], NOW,
                               projection_for())
    assert seconds(forecasts) == [pytest.approx(240.0, abs=0.1)]


def test_getting_to_the_route_is_travel_at_the_travel_speed() -> None:
    """300 m off the route at 30 km/h is 36 s before the work starts."""
    forecasts = forecast_route(ROUTE, [StretchWork(0.0, 1000.0, (1, 0))],
                               [crew(200.0, 300.0)], NOW, projection_for())
    assert seconds(forecasts) == [pytest.approx(36.0 + 160.0, abs=0.1)]


def test_done_road_is_driven_at_the_travel_speed_and_each_further_pass_costs_a_loop() -> None:
    """Two passes as drawn missing over 500-1000 m, the rest done: from 200 m, 300 m of done
    road at 30 km/h (36 s) and 500 m of work at 18 km/h (100 s); then a whole loop, 500 m of
    work (100 s) and 1500 m of done road (180 s): 416 s."""
    forecasts = forecast_route(ROUTE, [StretchWork(500.0, 1000.0, (2, 0))], [crew(200.0)], NOW,
                               projection_for())
    assert seconds(forecasts) == [pytest.approx(416.0, abs=0.1)]


def test_a_second_missing_pass_is_the_next_crew_along() -> None:
    """Two passes as drawn missing over 500-1000 m: vehicle 8 from 400 m passes its end after
    100 m of done road and 500 m of work (112 s), vehicle 7 from 200 m after 300 m and 500 m
    (136 s): the second passing, by 7, long before 8 comes round again (392 s)."""
    crews = [crew(200.0), crew(400.0, vehicle_id=8)]
    forecasts = forecast_route(ROUTE, [StretchWork(500.0, 1000.0, (2, 0))], crews, NOW,
                               projection_for())
    assert seconds(forecasts) == [pytest.approx(136.0, abs=0.1)]
    assert forecasts[0].vehicle_id == 7


def test_the_soonest_crew_finishes_each_direction() -> None:
    """Only 0-500 m lacks its passes. The way back over it: vehicle 8, heading west from 900 m,
    drives 400 m of done road (48 s) and 500 m of work (100 s): 148 s, sooner than vehicle 7
    heading east from 200 m (300 + 500 m of work, 1000 m of done road: 280 s). The pass as
    drawn: vehicle 7, 300 m of work (60 s). Done when the slower direction is: 148 s, by 8."""
    crews = [crew(200.0), crew(900.0, course=WEST, vehicle_id=8)]
    forecasts = forecast_route(ROUTE, [StretchWork(0.0, 500.0, (1, 1))], crews, NOW,
                               projection_for())
    assert seconds(forecasts) == [pytest.approx(148.0, abs=0.1)]
    assert forecasts[0].vehicle_id == 8


def test_a_one_way_route_s_way_back_is_a_return_trip() -> None:
    """On a one-way street, a crew heading back from 200 m returns 200 m at 30 km/h (24 s),
    then ploughs the whole kilometre as drawn (200 s)."""
    one_way = street(1, ((0.0, 0.0), (1000.0, 0.0)), direction="as_drawn")
    forecasts = forecast_route(one_way, [StretchWork(0.0, 1000.0, (1, 0))],
                               [crew(200.0, course=WEST)], NOW, projection_for())
    assert seconds(forecasts) == [pytest.approx(224.0, abs=0.1)]


def test_a_crew_not_seen_working_works_at_the_treatment_s_default() -> None:
    """Without an observed working speed a plough is taken at 20 km/h: 800 m in 144 s."""
    forecasts = forecast_route(ROUTE, [StretchWork(0.0, 1000.0, (1, 0))], [crew(200.0, kmh=None)],
                               NOW, projection_for())
    assert seconds(forecasts) == [pytest.approx(144.0, abs=0.1)]


def test_done_stretches_silent_crews_and_no_crews_give_no_expected_time() -> None:
    """A served stretch needs no forecast; a crew silent past ``stale_after_s`` is not counted
    on, and a route nobody works has no expected time at all."""
    done = StretchWork(0.0, 500.0, (0, 0))
    forecasts = forecast_route(ROUTE, [done, WHOLE], [crew(200.0, seen_s_ago=901.0)], NOW,
                               projection_for(), ForecastParams(stale_after_s=900.0))
    assert forecasts == [StretchForecast(None, None), StretchForecast(None, None)]


def test_before_any_credit_the_crew_is_the_contractor_s_fitting_vehicles_on_the_route() -> None:
    """Within 60 m of the street with a plough and the route's contractor: on the crew; 61 m
    away, another contractor's, or a spreader: not."""
    route = street(1, ((0.0, 0.0), (1000.0, 0.0)), contractor="А")
    spreader = Crew(vehicle_id=10, contractor="А", treatments=("spread",), t=NOW,
                    lon=lonlat(500.0, 0.0)[0], lat=lonlat(500.0, 0.0)[1], course_deg=None,
                    working_kmh=None, working_fixes=0)
    other_contractor = replace(crew(400.0, vehicle_id=11), contractor="Б")
    crews = [crew(300.0, 59.0, vehicle_id=7), crew(300.0, 61.0, vehicle_id=8), spreader,
             other_contractor]
    assert crews_on_route(route, crews, projection_for(), 60.0) == (7,)


def test_missing_passes_count_only_the_directions_a_route_needs() -> None:
    """Both ways, two passes each: one done as drawn leaves (1, 2); a one-way route never
    needs the way back."""
    both = street(1, ((0.0, 0.0), (1000.0, 0.0)), passes_required=2)
    one_way = street(2, ((0.0, 0.0), (1000.0, 0.0)), direction="as_drawn")
    assert missing_passes(both, (1, 0)) == (1, 2)
    assert missing_passes(both, (3, 2)) == (0, 0)
    assert missing_passes(one_way, (0, 0)) == (1, 0)
