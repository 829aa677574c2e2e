"""The storm act: CSV rows per route and contractor, and the offline HTML page with its map."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from dispatch.coverage import compute_coverage
from dispatch.data_completeness import data_completeness
from dispatch.reports import ACT_HEADERS, COMPLETENESS_HEADERS, act_rows, storm_csv
from dispatch.storms import Storm, StormReport, storm_report
from maps.assets import external_references
from maps.report_page import ActLinks, render_storm_report
from tests.dispatch.synthetic import T0, Drive, arrays, plough, street

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")


def report(*, with_completeness: bool = False) -> StormReport:
    routes = [street(1, ((0.0, 0.0), (1000.0, 0.0)), priority=1, contractor="ООО «А»",
                     name="ул. Ленина"),
              street(2, ((0.0, 500.0), (1000.0, 500.0)), priority=2, contractor="ООО «Б»",
                     name="ул. Мира")]
    drive = Drive(7, [(-60.0, 0.0), (1060.0, 0.0), (1060.0, 3.0), (-60.0, 3.0)])
    storm = Storm(id=3, name="Метель 3 февраля", started_at=T0 - timedelta(hours=1),
                  snowfall_ended_at=T0)
    now = T0 + timedelta(hours=3)
    vehicles = {7: plough(7, "ООО «А»")}
    result = compute_coverage(routes, arrays(drive), vehicles, window=storm.window(now), now=now)
    machines = data_completeness(arrays(drive), vehicles, storm.window(now), now)
    return storm_report(storm, result, now, machines if with_completeness else ())


def test_act_rows_per_route_grouped_by_contractor() -> None:
    """One row per route, ordered by contractor, with the serving vehicle named."""
    rows = act_rows(report())
    assert [(r.contractor, r.route) for r in rows] == [("ООО «А»", "ул. Ленина"),
                                                         ("ООО «Б»", "ул. Мира")]
    assert rows[0].served_pct == 100.0 and rows[0].vehicles == "КДМ 007 (7)"
    assert rows[1].status == "pending" and rows[1].vehicles == ""


def test_csv_act_opens_in_a_russian_spreadsheet() -> None:
    """BOM, ``;``, the storm and parameters as ``параметр;значение`` rows, then one row per
    route in Russian with local times and decimal commas."""
    text = storm_csv(report(), VLADIVOSTOK)
    assert text.startswith("\ufeffпараметр;значение\r\n")
    about, table = text[1:].split("\r\n\r\n")
    pairs = dict(row for row in csv.reader(io.StringIO(about), delimiter=";"))
    assert pairs["снегопад"] == "№ 3: Метель 3 февраля"
    assert pairs["начало"] == "14.01.2026 11:00 (+10:00)"  # 01:00 UTC
    assert pairs["окончание снегопада"] == "14.01.2026 12:00 (+10:00)"
    assert pairs["нормативы"] == "класс 1: 4 ч, класс 2: 6 ч, класс 3: 12 ч"
    assert pairs["served_fraction"] == "0,9" and pairs["cleaning.max_hdop"] == "5"
    rows = list(csv.reader(io.StringIO(table), delimiter=";"))
    assert tuple(rows[0]) == ACT_HEADERS
    assert rows[1] == ["ООО «А»", "1", "ул. Ленина", "очистка плугом", "1", "1000", "1000", "0",
                       "0", "0", "100", "4", "14.01.2026 16:00 (+10:00)",
                       "14.01.2026 12:04 (+10:00)", "0,08", "в норматив", "КДМ 007 (7)"]
    assert rows[2][-4:] == ["", "", "в работе", ""]


def test_the_act_shows_each_machine_s_data_completeness() -> None:
    """The plough reported for 5 min of a 4 h storm with its blade always down: in the CSV a
    row of its own under the parameters, in the HTML a table after the routes."""
    act = report(with_completeness=True)
    about = storm_csv(act, VLADIVOSTOK)[1:].split("\r\n\r\n")[0]
    pairs = dict(row for row in csv.reader(io.StringIO(about), delimiter=";"))
    assert pairs["данные: КДМ 007"] == (
        "подрядчик: ООО «А»; отметок: 65; смена с данными, %: 2,3; пропусков: 2; "
        "самый долгий, мин: 174,7; неверных: 0; из будущего: 0; датчик: всегда включён; "
        "под подозрением: да")
    html = render_storm_report(act, zone=VLADIVOSTOK, assets_prefix="vendor")
    assert "<h2>Полнота данных по технике</h2>" in html
    assert "".join(f"<th>{h}</th>" for h in COMPLETENESS_HEADERS) in html
    assert ("<td>КДМ 007</td><td>ООО «А»</td><td>65</td><td>2,3</td><td>2</td><td>174,7</td>"
            "<td>0</td><td>0</td><td>всегда включён</td><td>да</td>") in html
    assert "Полнота данных" not in render_storm_report(report(), zone=VLADIVOSTOK)


def test_html_act_is_offline_and_has_tables_and_map() -> None:
    """The page loads nothing from outside, has both tables and one coverage layer."""
    html = render_storm_report(report(), zone=VLADIVOSTOK, assets_prefix="vendor")
    assert external_references(html) == []
    assert "Акт выполненных работ" in html and "ул. Ленина" in html and "ООО «Б»" in html
    assert re.search(r'<script src="vendor/leaflet/dist/leaflet.js">', html)
    assert html.count("L.geoJson(") == 1
    assert '"state": "served"' in html and '"state": "not_served"' in html
    assert "Начало: 14.01.2026 11:00 (+10:00)" in html and "+00:00" not in html
    assert "<nav class=\"gd-report-tools\"" not in html  # a file has no bar of site links
    assert "L.control.scale({imperial: false})" in html  # metres only, no miles
    assert "L.control.scale()" not in html


def test_served_act_has_links_and_a_print_stylesheet() -> None:
    """The page the site serves leads back, to its CSV and to printing; print hides that bar."""
    html = render_storm_report(report(), zone=VLADIVOSTOK,
                               links=ActLinks(back="/storms", csv="/api/storms/3/act?format=csv"))
    assert '<a href="/api/storms/3/act?format=csv" data-act-csv download>' in html
    assert 'onclick="window.print()"' in html
    assert re.search(r"@media print\{\s*\.gd-report-tools,[^}]*display:none", html)
