"""The storm act as one offline HTML page: scorecards, the per-route act and a coverage map.

The page is an attachment to a payment or a dispute, opened months later on a machine with no
internet, so the Folium map is rendered without tiles and with every script and stylesheet
pointed at our vendored copies (``maps.assets.localize``); ``assert_offline`` refuses to
produce a page that would reach for a CDN. ``assets_prefix`` is where those copies are: the
server's ``/static/vendor`` or, for a file written to disk, a relative path to them.

Colours are backed by dash patterns (unknown is dashed, not served dotted), so the map reads
without relying on colour alone. Times are the city's (the zone is a parameter). Served by the
site (``/storms/{id}``), the page also gets a bar with the way back, the CSV and "print";
the print stylesheet drops that bar and keeps table rows whole across pages.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Final

import folium
from branca.element import Figure, MacroElement
from folium.template import Template

from dispatch.coverage_json import stretch_feature
from dispatch.coverage_sheets import STATE_LABELS
from dispatch.local_time import local_text
from dispatch.reports import (
    COMPLETENESS_HEADERS,
    STATUS_LABELS,
    act_rows,
    completeness_cells,
    norms_text,
)
from dispatch.sheets import decimal, sheet_cell
from dispatch.storms import StormReport
from maps.assets import DEFAULT_PREFIX, assert_offline, localize

__all__ = ["STATE_STYLES", "ActLinks", "render_storm_report"]

STATE_STYLES: Final[dict[str, dict[str, Any]]] = {
    "served": {"color": "#1a9850", "weight": 6, "dashArray": None},
    "partial": {"color": "#f59e0b", "weight": 5, "dashArray": "10 4"},
    "unknown": {"color": "#6b7280", "weight": 4, "dashArray": "2 6"},
    "not_served": {"color": "#d73027", "weight": 4, "dashArray": "1 4 8 4"},
}
_STYLE = """
body{font-family:system-ui,sans-serif;margin:0}
.gd-report{padding:12px 20px}
.gd-report table{border-collapse:collapse;margin:8px 0 20px;font-size:13px}
.gd-report th,.gd-report td{border:1px solid #ccc;padding:3px 6px;text-align:right}
.gd-report th{background:#f3f4f6}
.gd-report td.t,.gd-report th.t{text-align:left}
.gd-legend span{display:inline-block;width:28px;height:0;border-top-width:4px;
 border-top-style:solid;margin:0 4px 2px 12px;vertical-align:middle}
.gd-report-tools{display:flex;gap:16px;align-items:center;padding:8px 20px;
 background:#1f2937;color:#fff}
.gd-report-tools a,.gd-report-tools button{color:#fff;font:inherit}
.gd-report-tools button{background:#374151;border:1px solid #6b7280;border-radius:4px;
 padding:3px 10px;cursor:pointer}
@media print{
 .gd-report-tools,.leaflet-control-container{display:none}
 .gd-report{padding:0}
 .gd-report table{font-size:10px}
 .gd-report tr{break-inside:avoid}
 .gd-report thead{display:table-header-group}
 .gd-report th{background:none}
 .folium-map{break-before:page;height:170mm!important}
}
"""


@dataclass(frozen=True, slots=True)
class ActLinks:
    """Where the served page's bar points: back to the storms and to this act's CSV."""

    back: str
    csv: str


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _km(m: float) -> str:
    return decimal(m / 1000, 2)


def _header(report: StormReport, zone: tzinfo) -> str:
    s, r = report.storm, report.result
    return (f"<h1>Акт выполненных работ: {_e(s.name)}</h1>"
            f"<p>Начало: {_e(local_text(s.started_at, zone))}; окончание снегопада: "
            f"{_e(local_text(s.snowfall_ended_at, zone) or 'не объявлено')}; окно расчёта "
            f"{_e(local_text(r.window_from, zone))} — {_e(local_text(r.window_to, zone))}; "
            f"сформировано {_e(local_text(report.generated_at, zone))}.</p>"
            f"<p>Нормативы (по ГОСТ Р 50597-2017, переопределяемые): {_e(norms_text(report))}. "
            f"Участок убран, если каждое требуемое направление пройдено нужное число раз с "
            f"подтверждённым датчиком рабочим органом; маршрут убран при доле убранного "
            f"{r.params.served_fraction:.0%}.</p>")


def _contractors(report: StormReport) -> str:
    head = ("<tr><th class=t>Подрядчик</th><th>маршрутов</th><th>км</th><th>убрано, км</th>"
            "<th>нет данных, км</th><th>в норматив</th><th>с опозданием</th>"
            "<th>просрочено</th><th>в работе</th><th>нет данных</th><th>% в норматив</th>"
            "<th>медиана, ч</th>"
            "<th>p90, ч</th></tr>")
    rows = "".join(
        f"<tr><td class=t>{_e(c.contractor)}</td><td>{c.routes}</td><td>{_km(c.length_m)}</td>"
        f"<td>{_km(c.served_m)}</td><td>{_km(c.unknown_m)}</td><td>{c.within_norm}</td>"
        f"<td>{c.late}</td><td>{c.overdue}</td><td>{c.pending}</td><td>{c.unknown}</td>"
        f"<td>{decimal(c.within_norm_pct)}</td><td>{decimal(c.median_time_to_clear_h)}</td>"
        f"<td>{decimal(c.p90_time_to_clear_h)}</td></tr>" for c in report.contractors)
    return f"<h2>Подрядчики</h2><table><thead>{head}</thead><tbody>{rows}</tbody></table>"


def _act(report: StormReport, zone: tzinfo) -> str:
    head = ("<tr><th class=t>Подрядчик</th><th>№</th><th class=t>Маршрут</th><th>класс</th>"
            "<th>км</th><th>убрано %</th><th>частично, км</th><th>нет данных, км</th>"
            "<th>не убрано, км</th><th>норматив, ч</th><th class=t>убран</th>"
            "<th>время, ч</th><th class=t>итог</th><th class=t>техника</th></tr>")
    rows = "".join(
        f"<tr><td class=t>{_e(r.contractor)}</td><td>{_e(r.route_id)}</td>"
        f"<td class=t>{_e(r.route)}</td><td>{r.priority}</td><td>{_km(r.length_m)}</td>"
        f"<td>{decimal(r.served_pct, 1)}</td><td>{_km(r.partial_m)}</td>"
        f"<td>{_km(r.unknown_m)}</td><td>{_km(r.not_served_m)}</td><td>{decimal(r.norm_h)}</td>"
        f"<td class=t>{_e(local_text(r.cleared_at, zone) or '—')}</td>"
        f"<td>{decimal(r.time_to_clear_h)}</td>"
        f"<td class=t>{_e(STATUS_LABELS[r.status])}</td><td class=t>{_e(r.vehicles)}</td></tr>"
        for r in act_rows(report))
    return f"<h2>Маршруты</h2><table><thead>{head}</thead><tbody>{rows}</tbody></table>"


def _completeness(report: StormReport) -> str:
    if not report.completeness:
        return ""
    head = "".join(f"<th>{_e(h)}</th>" for h in COMPLETENESS_HEADERS)
    rows = "".join("<tr>" + "".join(f"<td>{_e(sheet_cell(c))}</td>"
                                    for c in completeness_cells(r)) + "</tr>"
                   for r in report.completeness)
    return (f"<h2>Полнота данных по технике</h2><table class=gd-completeness><thead><tr>{head}"
            f"</tr></thead><tbody>{rows}</tbody></table>")


def _legend() -> str:
    items = "".join(
        f"<span style=\"border-top-color:{st['color']};border-top-style:"
        f"{'solid' if st['dashArray'] is None else 'dashed'}\"></span>"
        f"{_e(STATE_LABELS[state])}" for state, st in STATE_STYLES.items())
    return f"<p class=gd-legend>{items}</p>"


def _style(feature: dict[str, Any]) -> dict[str, Any]:
    st = STATE_STYLES.get(feature["properties"]["state"], STATE_STYLES["unknown"])
    return {"color": st["color"], "weight": st["weight"], "dashArray": st["dashArray"],
            "opacity": 0.9}


def _map(report: StormReport, zone: tzinfo) -> folium.Map:
    result = report.result
    features = [stretch_feature(rc, s, result) for rc in result.routes for s in rc.stretches]
    for f in features:  # keep the page light: evidence lives in the API and the CSV
        props = f["properties"]
        props["state_label"] = STATE_LABELS.get(props["state"], props["state"])
        last = props["last_service"]
        props["last_service"] = local_text(datetime.fromisoformat(last), zone) if last else "—"
        for machine_only in ("evidence", "first_service", "cleared_at"):
            props.pop(machine_only, None)
        props["vehicles"] = ", ".join(str(v["name"] or v["id"]) for v in props["vehicles"])
    lats = [c[1] for f in features for c in f["geometry"]["coordinates"]] or [50.55]
    lons = [c[0] for f in features for c in f["geometry"]["coordinates"]] or [137.0]
    fmap = folium.Map(location=[(min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2],
                      zoom_start=13, tiles=None, height=520)
    _MetricScale().add_to(fmap)
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features}, name="Покрытие",
            style_function=_style,
            tooltip=folium.GeoJsonTooltip(
                fields=["route_name", "state_label", "m_from", "m_to", "last_service",
                        "vehicles"],
                aliases=["Маршрут", "Состояние", "от, м", "до, м", "последний проход",
                         "техника"])).add_to(fmap)
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    return fmap


class _MetricScale(MacroElement):
    """A metric scale bar (an act is read in metres) and a plain "Leaflet" credit."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
            {{ this._parent.get_name() }}.attributionControl.setPrefix("Leaflet");
        {% endmacro %}
    """)


def _tools(links: ActLinks) -> str:
    return (f'<nav class="gd-report-tools" aria-label="Действия с актом">'
            f'<a href="{_e(links.back)}">← Снегопады</a>'
            f'<a href="{_e(links.csv)}" data-act-csv download>Скачать CSV</a>'
            '<button type="button" onclick="window.print()">Печать</button></nav>')


def _seal(report: StormReport, seal: tuple[int, str] | None) -> str:
    versions = ", ".join(f"№ {rc.route.id} — версия {rc.route.version}"
                         for rc in report.result.routes)
    sealed = (f"Акт № {seal[0]} запечатан, sha256 его данных: <code>{_e(seal[1])}</code>. "
              if seal else "")
    return f"<p>{sealed}Маршруты в версиях: {_e(versions) or '—'}.</p>"


def render_storm_report(report: StormReport, *, zone: tzinfo,
                        assets_prefix: str = DEFAULT_PREFIX, links: ActLinks | None = None,
                        seal: tuple[int, str] | None = None) -> str:
    """The whole act as one HTML document that loads nothing from outside ``assets_prefix``;
    with ``links`` (the served page) it starts with the bar of actions; ``seal`` is the
    stored act's (id, content hash)."""
    fmap = _map(report, zone)
    root = fmap.get_root()
    assert isinstance(root, Figure)  # a new Map always sits in its own Figure
    root.header.add_child(folium.Element(f"<style>{_STYLE}</style>"), name="gd_report_style")
    root.header.add_child(folium.Element(f"<title>{_e(report.storm.name)}: акт</title>"),
                          name="gd_report_title")
    tools = "" if links is None else _tools(links)
    body = (f"{tools}<div class=gd-report>{_header(report, zone)}{_seal(report, seal)}"
            f"{_contractors(report)}{_act(report, zone)}{_completeness(report)}"
            f"<h2>Карта</h2>{_legend()}</div>")
    root.html.add_child(folium.Element(body), name="gd_report_head", index=0)
    localize(root, prefix=assets_prefix)
    page: str = root.render()
    return assert_offline(page)
