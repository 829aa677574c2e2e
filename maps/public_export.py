"""The city website's map: self-contained static files with public information only.

``export_public_site(dir, snapshot)`` writes ``index.html`` (a Folium map whose data is embedded,
so it also works opened from disk with no network), the vendored assets it needs, and the same
layers as GeoJSON files under ``data/`` for other consumers. What is public is decided here, by
whitelists: vehicles show only their kind and a delayed, coarsened position; marks only when
flagged public; routes only their name, treatment and how long ago they were served. Terminal
identifiers, plates, contractors and internal marks never reach the files.
"""

from __future__ import annotations

import html
import json
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import folium
from branca.element import Figure

from maps.assets import VENDOR_DIR, assert_offline, localize

CITY_ZONE: Final = ZoneInfo("Asia/Vladivostok")
KIND_LABELS: Final = {"plow": "снегоочиститель", "grader": "автогрейдер",
                      "sander": "пескоразбрасыватель", "loader": "погрузчик",
                      "dump_truck": "самосвал", "sweeper": "подметальная машина",
                      "bus": "автобус", "other": "техника"}
TREATMENT_LABELS: Final = {"plough": "очистка от снега", "spread": "обработка ПГМ",
                           "sweep": "подметание"}
MARK_LABELS: Final = {"road_state": "Состояние дорог", "broken_elevator": "Неработающий лифт",
                      "flooded_basement": "Подтопленный подвал",
                      "settlement": "Населённый пункт", "house_group": "Группа домов"}
STATUS_LABELS: Final = {"open": "открыто", "in_progress": "в работе", "resolved": "устранено"}
# (upper bound in hours, colour, legend) for "time since the street was last served"
SERVICE_BANDS: Final = ((4.0, "#1a9850", "до 4 ч"), (12.0, "#91cf60", "4–12 ч"),
                        (24.0, "#fc8d59", "12–24 ч"), (float("inf"), "#d73027", "более 24 ч"))
NO_DATA_COLOUR: Final = "#9e9e9e"


@dataclass(frozen=True, slots=True)
class PublicSnapshot:
    """What the export is made from (already read from the database)."""

    generated_at: datetime
    vehicles: Sequence[Mapping[str, Any]]  # kind, latitude, longitude, fix_time (delayed)
    routes: Sequence[Mapping[str, Any]]  # name, treatment, geometry, last_service (or None)
    marks: Sequence[Mapping[str, Any]]  # public marks: layer, status, text, valid_to, geometry


def _band(hours: float | None) -> tuple[str, str]:
    if hours is None:
        return NO_DATA_COLOUR, "нет данных"
    for limit, colour, label in SERVICE_BANDS:
        if hours < limit:
            return colour, label
    return NO_DATA_COLOUR, "нет данных"


def _local(t: datetime | None) -> str | None:
    return None if t is None else t.astimezone(CITY_ZONE).strftime("%d.%m.%Y %H:%M")


def public_layers(snapshot: PublicSnapshot, decimals: int) -> dict[str, dict[str, Any]]:
    """The three public GeoJSON layers, built field by field from whitelists."""
    now = snapshot.generated_at
    vehicles = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(v["longitude"], decimals),
                                                      round(v["latitude"], decimals)]},
        "properties": {"kind": KIND_LABELS.get(v["kind"], "техника"),
                       "as_of": _local(v["fix_time"])},
    } for v in snapshot.vehicles]
    routes = []
    for r in snapshot.routes:
        last = r.get("last_service")
        hours = None if last is None else max(0.0, (now - last).total_seconds() / 3600)
        colour, band = _band(hours)
        routes.append({"type": "Feature", "geometry": r["geometry"], "properties": {
            "name": r["name"], "treatment": TREATMENT_LABELS.get(r["treatment"], ""),
            "last_service": _local(last), "since_service": band, "colour": colour}})
    marks = [{"type": "Feature", "geometry": m["geometry"], "properties": {
        "layer": MARK_LABELS.get(m["layer"], m["layer"]),
        "status": STATUS_LABELS.get(m["status"], m["status"]), "text": m["text"],
        "valid_to": _local(m.get("valid_to"))}} for m in snapshot.marks]
    return {name: {"type": "FeatureCollection", "features": features}
            for name, features in (("vehicles", vehicles), ("routes", routes), ("marks", marks))}


def _popup(fields: Sequence[str], aliases: Sequence[str]) -> folium.GeoJsonPopup:
    return folium.GeoJsonPopup(fields=list(fields), aliases=list(aliases), localize=False,
                               labels=True)


def _bounds(features: Sequence[Mapping[str, Any]]) -> list[list[float]] | None:
    """[[south, west], [north, east]] of line features, for the first view of the map."""
    points = [pt for f in features if f["geometry"]["type"] == "LineString"
              for pt in f["geometry"]["coordinates"]]
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def build_public_map(layers: Mapping[str, Mapping[str, Any]], generated_at: datetime,
                     center: tuple[float, float], zoom: int) -> folium.Map:
    fmap = folium.Map(location=list(center), zoom_start=zoom, tiles=None,
                      control_scale=True)
    if layers["routes"]["features"]:
        folium.GeoJson(
            layers["routes"], name="Уборка улиц: время с последней уборки",
            style_function=lambda f: {"color": f["properties"]["colour"], "weight": 5,
                                      "opacity": 0.9},
            tooltip=folium.GeoJsonTooltip(["name", "since_service"], aliases=["", ""]),
            popup=_popup(("name", "treatment", "last_service", "since_service"),
                         ("Улица", "Работы", "Последняя уборка", "Прошло")),
        ).add_to(fmap)
    if layers["vehicles"]["features"]:
        folium.GeoJson(
            layers["vehicles"], name="Техника на линии",
            marker=folium.CircleMarker(radius=6, fill=True, fill_opacity=0.9, weight=1,
                                       color="#ffffff", fill_color="#1f5fa8"),
            popup=_popup(("kind", "as_of"), ("Техника", "Положение на")),
        ).add_to(fmap)
    if layers["marks"]["features"]:
        folium.GeoJson(
            layers["marks"], name="Отметки",
            marker=folium.CircleMarker(radius=7, fill=True, fill_opacity=0.9, weight=2,
                                       color="#ffffff", fill_color="#d84315"),
            style_function=lambda f: {"color": "#d84315", "weight": 4},
            popup=_popup(("layer", "status", "text", "valid_to"),
                         ("Отметка", "Состояние", "", "Действует до")),
        ).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    bounds = _bounds(layers["routes"]["features"])
    if bounds is not None:
        fmap.fit_bounds(bounds)
    root = fmap.get_root()
    assert isinstance(root, Figure)
    legend = "".join(f'<div><span style="background:{c}"></span>{html.escape(label)}</div>'
                     for _, c, label in SERVICE_BANDS)
    root.html.add_child(folium.Element(f"""
<div class="gd-public-legend" style="position:fixed;bottom:24px;right:12px;z-index:1000;
 background:#fff;padding:8px 12px;border-radius:6px;box-shadow:0 1px 6px rgba(0,0,0,.25);
 font:13px system-ui,sans-serif">
 <b>Время с последней уборки</b>{legend}
 <div><span style="background:{NO_DATA_COLOUR}"></span>нет данных</div>
 <div style="margin-top:6px;color:#555">Данные на {html.escape(_local(generated_at) or "")}
 (время владивостокское)</div></div>
<style>.gd-public-legend span{{display:inline-block;width:22px;height:5px;margin-right:6px;
 vertical-align:middle}}</style>"""))
    root.header.add_child(folium.Element(
        '<meta charset="utf-8"><title>Уборка улиц Комсомольска-на-Амуре</title>'))
    return fmap


def export_public_site(target: Path, snapshot: PublicSnapshot, *, decimals: int = 3,
                       center: tuple[float, float] = (50.55, 137.0), zoom: int = 12) -> list[Path]:
    """Write the public site into ``target``; return the files written."""
    target.mkdir(parents=True, exist_ok=True)
    layers = public_layers(snapshot, decimals)
    fmap = build_public_map(layers, snapshot.generated_at, center, zoom)
    localize(fmap.get_root(), prefix="vendor")
    page = assert_offline(fmap.get_root().render())
    vendor = target / "vendor"
    if vendor.exists():
        shutil.rmtree(vendor)
    shutil.copytree(VENDOR_DIR, vendor)
    written = [target / "index.html"]
    written[0].write_text(page, encoding="utf-8")
    (target / "data").mkdir(exist_ok=True)
    for name, layer in layers.items():
        path = target / "data" / f"{name}.geojson"
        path.write_text(json.dumps(layer, ensure_ascii=False), encoding="utf-8")
        written.append(path)
    return written
