"""What a coverage result carries: parameters to reproduce it, evidence, summaries, documents."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from dispatch.coverage import CoverageResult, compute_coverage
from dispatch.coverage_json import result_document, route_document, to_csv, to_table
from dispatch.fixes import FixArrays
from dispatch.parameters import CoverageParams
from tests.dispatch.geometry_fixtures import HAIRPIN, L_SHAPED, SELF_TOUCHING_LOOP
from tests.dispatch.synthetic import T0, Drive, arrays, plough, street, window

EAST_WEST = ((0.0, 0.0), (1000.0, 0.0))
THERE_AND_BACK = [(-60.0, 0.0), (1060.0, 0.0), (1060.0, 3.0), (-60.0, 3.0)]


def two_routes_result(params: CoverageParams | None = None) -> CoverageResult:
    routes = [street(1, EAST_WEST, contractor="ООО «А»"),
              street(2, ((0.0, 400.0), (1000.0, 400.0)), contractor="ООО «Б»")]
    fixes = arrays(Drive(7, THERE_AND_BACK, noise_m=3.0, seed=4))
    return compute_coverage(routes, fixes, {7: plough(7, "ООО «А»")}, window=window(), now=T0,
                            params=params)


def test_parameters_stored_with_the_result_reproduce_it() -> None:
    """Recomputing with the parameters read back from the document gives the same document."""
    custom = CoverageParams(bin_m=25.0, min_run_m=40.0, heading_tolerance_deg=40.0)
    first = two_routes_result(custom)
    doc = result_document(first)
    stored = json.loads(json.dumps(doc["parameters"]))
    again = result_document(two_routes_result(CoverageParams.from_dict(stored)))
    assert doc == again
    assert doc["parameters"]["bin_m"] == 25.0 and doc["parameters"]["engine"] == "coverage/2"


def test_unknown_parameter_is_refused() -> None:
    """A stored parameter set with a key we do not know is refused, not silently dropped."""
    with pytest.raises(ValueError, match="bin_size"):
        CoverageParams.from_dict({"bin_size": 10})


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


def test_documents_are_geojson_with_iso_times_and_wgs84() -> None:
    """Stretches are LineString Features in lon/lat; times are ISO 8601 with an offset."""
    result = two_routes_result()
    doc = json.loads(json.dumps(route_document(result, 1)))
    assert doc["type"] == "FeatureCollection" and doc["route"]["id"] == 1
    feature = doc["features"][0]
    lon, lat = feature["geometry"]["coordinates"][0]
    assert 136.9 < lon < 137.1 and 50.5 < lat < 50.6
    assert feature["properties"]["last_service"].endswith("+00:00")
    assert doc["from"].endswith("+00:00") and doc["computed_at"].endswith("+00:00")


def test_csv_has_one_row_per_stretch_and_table_one_line_per_route() -> None:
    """The CSV starts with the parameters and lists every stretch; the table every route."""
    result = two_routes_result()
    text = to_csv(result)
    assert text.startswith("# coverage")
    rows = list(csv.DictReader(io.StringIO(text.split("\n", 1)[1])))
    assert len(rows) == sum(len(rc.stretches) for rc in result.routes)
    assert {r["state"] for r in rows} == {"served", "not_served"}
    table = to_table(result)
    assert "street 1" in table and "street 2" in table and "total" in table


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
