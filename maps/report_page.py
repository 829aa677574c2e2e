"""The storm act as one offline HTML page: scorecards, the per-route act and a coverage map.

The page is an attachment to a payment or a dispute, opened months later on a machine with no
internet, so the Folium map is rendered without tiles and with every script and stylesheet
pointed at our vendored copies (``maps.assets.localize``); ``assert_offline`` refuses to
produce a page that would reach for a CDN. ``assets_prefix`` is where those copies are: the
server's ``/static/vendor`` or, for a file written to disk, a relative path to them.

Colours are backed by dash patterns (unknown is dashed, not served dotted), so the map reads
without relying on colour alone.
"""

from __future__ import annotations

import html
from typing import Any, Final

import folium
from branca.element import Figure

from dispatch.coverage_json import iso, stretch_feature
from dispatch.reports import STATUS_LABELS, act_rows
from dispatch.storms import StormReport
from maps.assets import DEFAULT_PREFIX, assert_offline, localize

__all__ = ["STATE_STYLES", "render_storm_report"]

STATE_STYLES: Final[dict[str, dict[str, Any]]] = {
    "served": {"color": "#1a9850", "weight": 6, "dashArray": None, "label": "убрано"},
    "partial": {"color": "#f59e0b", "weight": 5, "dashArray": "10 4", "label": "частично"},
    "unknown": {"color": "#6b7280", "weight": 4, "dashArray": "2 6", "label": "нет данных"},
    "not_served": {"color": "#d73027", "weight": 4, "dashArray": "1 4 8 4",
                   "label": "не убрано"},
}
_STYLE = """
body{font-family:system-ui,sans-serif;margin:0}
.gd-report{padding:12px 20px}
.gd-report table{border-collapse:collapse;margin:8px 0 20px;font-size:13px}
.gd-report th,.gd-report td{border:1px solid #ccc;padding:3px 6px;text-align:right}
.gd-report th{background:#f3f4f6}
.gd-report td.t{text-align:left}
.gd-legend span{display:inline-block;width:28px;height:0;border-top-width:4px;
 border-top-style:solid;margin:0 4px 2px 12px;vertical-align:middle}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _km(m: float) -> str:
    return f"{m / 1000:.2f}"


def _header(report: StormReport) -> str:
    s, r = report.storm, report.result
    norms = ", ".join(f"класс {p}: {h:g} ч" for p, h in s.norms().items())
    return (f"<h1>Акт выполненных работ: {_e(s.name)}</h1>"
            f"<p>Начало: {_e(iso(s.started_at))}; окончание снегопада: "
            f"{_e(iso(s.snowfall_ended_at) or 'не объявлено')}; окно расчёта "
            f"{_e(iso(r.window_from))} — {_e(iso(r.window_to))}; сформировано "
            f"{_e(iso(report.generated_at))}.</p>"
            f"<p>Нормативы (по ГОСТ Р 50597-2017, переопределяемые): {_e(norms)}. Участок "
            f"убран, если каждое требуемое направление пройдено нужное число раз с "
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
        f"<td>{_e(c.within_norm_pct)}</td><td>{_e(c.median_time_to_clear_h)}</td>"
        f"<td>{_e(c.p90_time_to_clear_h)}</td></tr>" for c in report.contractors)
    return f"<h2>Подрядчики</h2><table>{head}{rows}</table>"


def _act(report: StormReport) -> str:
    head = ("<tr><th class=t>Подрядчик</th><th>№</th><th class=t>Маршрут</th><th>класс</th>"
            "<th>км</th><th>убрано %</th><th>частично, км</th><th>нет данных, км</th>"
            "<th>не убрано, км</th><th>норматив, ч</th><th class=t>убран</th>"
            "<th>время, ч</th><th class=t>итог</th><th class=t>техника</th></tr>")
    rows = "".join(
        f"<tr><td class=t>{_e(r.contractor)}</td><td>{_e(r.route_id)}</td>"
        f"<td class=t>{_e(r.route)}</td><td>{r.priority}</td><td>{_km(r.length_m)}</td>"
        f"<td>{r.served_pct:.1f}</td><td>{_km(r.partial_m)}</td><td>{_km(r.unknown_m)}</td>"
        f"<td>{_km(r.not_served_m)}</td><td>{r.norm_h:g}</td>"
        f"<td class=t>{_e(r.cleared_at or '—')}</td><td>{_e(r.time_to_clear_h)}</td>"
        f"<td class=t>{_e(STATUS_LABELS[r.status])}</td><td class=t>{_e(r.vehicles)}</td></tr>"
        for r in act_rows(report))
    return f"<h2>Маршруты</h2><table>{head}{rows}</table>"


def _legend() -> str:
    items = "".join(
        f"<span style=\"border-top-color:{st['color']};border-top-style:"
        f"{'solid' if st['dashArray'] is None else 'dashed'}\"></span>{_e(st['label'])}"
        for st in STATE_STYLES.values())
    return f"<p class=gd-legend>{items}</p>"


def _style(feature: dict[str, Any]) -> dict[str, Any]:
    st = STATE_STYLES.get(feature["properties"]["state"], STATE_STYLES["unknown"])
    return {"color": st["color"], "weight": st["weight"], "dashArray": st["dashArray"],
            "opacity": 0.9}


def _map(report: StormReport) -> folium.Map:
    result = report.result
    features = [stretch_feature(rc, s, result) for rc in result.routes for s in rc.stretches]
    for f in features:  # keep the page light: evidence lives in the API and the CSV
        props = f["properties"]
        props["state_label"] = STATE_STYLES[props["state"]]["label"]
        props.pop("evidence", None)
        props["vehicles"] = ", ".join(str(v["name"] or v["id"]) for v in props["vehicles"])
    lats = [c[1] for f in features for c in f["geometry"]["coordinates"]] or [50.55]
    lons = [c[0] for f in features for c in f["geometry"]["coordinates"]] or [137.0]
    fmap = folium.Map(location=[(min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2],
                      zoom_start=13, tiles=None, control_scale=True, height=520)
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


def _seal(report: StormReport, seal: tuple[int, str] | None) -> str:
    versions = ", ".join(f"№ {rc.route.id} — версия {rc.route.version}"
                         for rc in report.result.routes)
    sealed = (f"Акт № {seal[0]} запечатан, sha256 его данных: <code>{_e(seal[1])}</code>. "
              if seal else "")
    return f"<p>{sealed}Маршруты в версиях: {_e(versions) or '—'}.</p>"


def render_storm_report(report: StormReport, *, assets_prefix: str = DEFAULT_PREFIX,
                        seal: tuple[int, str] | None = None) -> str:
    """The whole act as one HTML document that loads nothing from outside ``assets_prefix``;
    ``seal`` is the stored act's (id, content hash)."""
    fmap = _map(report)
    root = fmap.get_root()
    assert isinstance(root, Figure)  # a new Map always sits in its own Figure
    root.header.add_child(folium.Element(f"<style>{_STYLE}</style>"), name="gd_report_style")
    root.header.add_child(folium.Element(f"<title>{_e(report.storm.name)}: акт</title>"),
                          name="gd_report_title")
    body = (f"<div class=gd-report>{_header(report)}{_seal(report, seal)}"
            f"{_contractors(report)}{_act(report)}"
            f"<h2>Карта</h2>{_legend()}</div>")
    root.html.add_child(folium.Element(body), name="gd_report_head", index=0)
    localize(root, prefix=assets_prefix)
    page: str = root.render()
    return assert_offline(page)
