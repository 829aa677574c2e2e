"""The storm act as a page: offline with its tables and coverage map as a file, with links back,
to its CSV and to printing as the site serves it."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from dispatch.reports import COMPLETENESS_HEADERS
from maps.assets import external_references
from maps.pages.storm_report import ActLinks, render_storm_report
from tests.dispatch.synthetic import storm_act

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")


def test_html_act_is_offline_and_has_tables_and_map() -> None:
    """The page loads nothing from outside, has both tables and one coverage layer."""
    html = render_storm_report(storm_act(), zone=VLADIVOSTOK, assets_prefix="vendor")
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
    html = render_storm_report(storm_act(), zone=VLADIVOSTOK,
                               links=ActLinks(back="/storms", csv="/api/storms/3/act?format=csv"))
    assert '<a href="/api/storms/3/act?format=csv" data-act-csv download>' in html
    assert 'onclick="window.print()"' in html
    assert re.search(r"@media print\{\s*\.gd-report-tools,[^}]*display:none", html)


def test_the_act_shows_each_machine_s_data_completeness() -> None:
    """The plough reported for 5 min of a 4 h storm with its blade always down: a table after
    the routes (the same figures as the CSV's row: tests/dispatch/test_reports.py)."""
    act = storm_act(with_completeness=True)
    html = render_storm_report(act, zone=VLADIVOSTOK, assets_prefix="vendor")
    assert "<h2>Полнота данных по технике</h2>" in html
    assert "".join(f"<th>{h}</th>" for h in COMPLETENESS_HEADERS) in html
    assert ("<td>КДМ 007</td><td>ООО «А»</td><td>65</td><td>2,3</td><td>2</td><td>174,7</td>"
            "<td>0</td><td>0</td><td>всегда включён</td><td>да</td>") in html
    assert "Полнота данных" not in render_storm_report(storm_act(), zone=VLADIVOSTOK)
