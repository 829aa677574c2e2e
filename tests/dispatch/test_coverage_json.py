"""Coverage results as GeoJSON documents: parameters to recompute them, stretches as Features
in lon/lat with ISO times, and the per-route, vehicle and contractor tables."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from dispatch.coverage import compute_coverage
from dispatch.coverage_json import iso, result_document, route_document
from dispatch.fixes import FixArrays
from dispatch.parameters import CoverageParams
from tests.dispatch.synthetic import EAST_WEST, T0, street, two_routes_result, window


def test_parameters_stored_with_the_result_reproduce_it() -> None:
    """Recomputing with the parameters read back from the document gives the same document."""
    custom = CoverageParams(bin_m=25.0, min_run_m=40.0, heading_tolerance_deg=40.0)
    first = two_routes_result(custom)
    doc = result_document(first)
    stored = json.loads(json.dumps(doc["parameters"]))
    again = result_document(two_routes_result(CoverageParams.from_dict(stored)))
    assert doc == again
    assert doc["parameters"]["bin_m"] == 25.0 and doc["parameters"]["engine"] == "coverage/2"


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


def test_iso_keeps_the_offset_and_drops_fractions_of_a_second() -> None:
    vladivostok = timezone(timedelta(hours=10))
    assert iso(None) is None
    assert iso(0.0) == "1970-01-01T00:00:00+00:00"
    assert iso(T0.timestamp() + 1.9) == "2026-01-14T02:00:01+00:00"
    assert iso(datetime(2026, 1, 14, 12, 0, 5, 700_000, tzinfo=vladivostok)) == (
        "2026-01-14T12:00:05+10:00")


def test_a_stretch_feature_names_its_route_state_passes_and_vehicles() -> None:
    """The served stretch of street 1 and the untouched one of street 2, field by field."""
    result = two_routes_result()
    served, untouched = result_document(result)["features"]
    stretch = result.route(1).stretches[0]
    props = served["properties"]
    assert (served["type"], served["id"], served["geometry"]["type"]) == (
        "Feature", "1:0", "LineString")
    assert served["geometry"]["coordinates"] == [list(c) for c in stretch.coordinates]
    assert {k: props[k] for k in ("route_id", "route_version", "route_name", "stretch",
                                  "m_from", "m_to", "length_m", "state", "reason",
                                  "passes", "unconfirmed_passes", "passes_required",
                                  "directions_required", "vehicles")} == {
        "route_id": 1, "route_version": None, "route_name": "street 1", "stretch": 0,
        "m_from": 0.0, "m_to": 1000.0, "length_m": 1000.0, "state": "served", "reason": None,
        "passes": {"as_drawn": 1, "against": 1},
        "unconfirmed_passes": {"as_drawn": 0, "against": 0}, "passes_required": 1,
        "directions_required": ["as_drawn", "against"],
        "vehicles": [{"id": 7, "name": "КДМ 007"}]}
    assert (props["first_service"], props["last_service"], props["cleared_at"]) == (
        iso(stretch.first_service), iso(stretch.last_service), iso(stretch.cleared_at))
    evidence = props["evidence"]
    assert evidence["passes_total"] == 2 and evidence["gaps"] == []
    assert [(p["vehicle_id"], p["direction"], p["confirmed"], p["sensor"], p["first_fix"])
            for p in evidence["passes"]] == [
        (7, r.direction, True, "input 1 on", iso(r.started)) for r in stretch.runs]
    assert untouched["id"] == "2:0"
    assert {k: untouched["properties"][k] for k in ("state", "first_service", "cleared_at",
                                                    "vehicles")} == {
        "state": "not_served", "first_service": None, "cleared_at": None, "vehicles": []}
    assert untouched["properties"]["evidence"] == {"passes_total": 0, "passes": [], "gaps": []}


def test_a_one_way_route_requires_only_the_drawn_direction() -> None:
    result = compute_coverage([street(1, EAST_WEST, direction="as_drawn")], FixArrays.empty(),
                              {}, window=window(), now=T0)
    (feature,) = route_document(result, 1)["features"]
    assert feature["properties"]["directions_required"] == ["as_drawn"]


def test_the_result_document_carries_window_totals_and_the_three_tables() -> None:
    doc = result_document(two_routes_result())
    assert (doc["from"], doc["to"], doc["computed_at"]) == (
        "2026-01-14T01:55:00+00:00", "2026-01-14T08:00:00+00:00", "2026-01-14T02:00:00+00:00")
    assert doc["totals"] == {"length_m": 2000.0, "served": 1000.0, "partial": 0.0,
                             "unknown": 0.0, "not_served": 1000.0, "served_pct": 50.0}
    assert [(r["route"]["id"], r["route"]["contractor"], r["served_pct"], r["serviced"],
             r["stretches"]) for r in doc["routes"]] == [
        (1, "ООО «А»", 100.0, True, 1), (2, "ООО «Б»", 0.0, False, 1)]
    assert doc["vehicles"] == [{"vehicle_id": 7, "name": "КДМ 007", "contractor": "ООО «А»",
                                "confirmed_m": 2000.0, "unconfirmed_m": 0.0, "passes": 2}]
    assert [(c["contractor"], c["routes"], c["vehicles"], c["worked_m"])
            for c in doc["contractors"]] == [("ООО «А»", 1, 1, 2000.0), ("ООО «Б»", 1, 0, 0)]
    assert doc["data_quality"]["fixes"] == doc["data_quality"]["usable"] > 0


def test_a_route_document_is_that_route_s_summary_and_stretches_only() -> None:
    result = two_routes_result()
    doc = route_document(result, 2)
    summary = result_document(result)["routes"][1]
    assert {k: doc[k] for k in summary} == summary
    assert [f["id"] for f in doc["features"]] == ["2:0"]
    assert doc["parameters"] == result.params.to_dict() and "totals" not in doc
    assert datetime.fromisoformat(doc["to"]) == window()[1].astimezone(UTC)
