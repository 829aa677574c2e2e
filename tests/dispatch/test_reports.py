"""The storm act: CSV rows per route and contractor, and the offline HTML page with its map."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from dispatch.coverage import compute_coverage
from dispatch.reports import ACT_COLUMNS, act_rows, storm_csv
from dispatch.storms import Storm, StormReport, storm_report
from maps.assets import external_references
from maps.report_page import render_storm_report
from tests.dispatch.synthetic import T0, Drive, arrays, plough, street


def report() -> StormReport:
    routes = [street(1, ((0.0, 0.0), (1000.0, 0.0)), priority=1, contractor="ООО «А»",
                     name="ул. Ленина"),
              street(2, ((0.0, 500.0), (1000.0, 500.0)), priority=2, contractor="ООО «Б»",
                     name="ул. Мира")]
    drive = Drive(7, [(-60.0, 0.0), (1060.0, 0.0), (1060.0, 3.0), (-60.0, 3.0)])
    storm = Storm(id=3, name="Метель 3 февраля", started_at=T0 - timedelta(hours=1),
                  snowfall_ended_at=T0)
    now = T0 + timedelta(hours=3)
    result = compute_coverage(routes, arrays(drive), {7: plough(7, "ООО «А»")},
                              window=storm.window(now), now=now)
    return storm_report(storm, result, now)


def test_act_rows_per_route_grouped_by_contractor() -> None:
    """One row per route, ordered by contractor, with the serving vehicle named."""
    rows = act_rows(report())
    assert [(r.contractor, r.route) for r in rows] == [("ООО «А»", "ул. Ленина"),
                                                         ("ООО «Б»", "ул. Мира")]
    assert rows[0].served_pct == 100.0 and rows[0].vehicles == "КДМ 007 (7)"
    assert rows[1].status == "pending" and rows[1].vehicles == ""


def test_csv_act_names_storm_norms_and_parameters_first() -> None:
    """Comment lines say which storm, norms and parameters; then one row per route."""
    text = storm_csv(report())
    head = [line for line in text.splitlines() if line.startswith("#")]
    assert "Метель 3 февраля" in head[0] and "norms" in head[1] and "parameters" in head[2]
    rows = list(csv.DictReader(io.StringIO("\n".join(
        line for line in text.splitlines() if not line.startswith("#")))))
    assert tuple(rows[0]) == ACT_COLUMNS
    assert rows[0]["status"] == "within_norm" and rows[0]["norm_h"] == "4.0"


def test_html_act_is_offline_and_has_tables_and_map() -> None:
    """The page loads nothing from outside, has both tables and one coverage layer."""
    html = render_storm_report(report(), assets_prefix="vendor")
    assert external_references(html) == []
    assert "Акт выполненных работ" in html and "ул. Ленина" in html and "ООО «Б»" in html
    assert re.search(r'<script src="vendor/leaflet/dist/leaflet.js">', html)
    assert html.count("L.geoJson(") == 1
    assert '"state": "served"' in html and '"state": "not_served"' in html
