"""The public map's document: bands, local times, whitelisted fields, merged stretches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from maps.api.public_layers import (
    PublicSnapshot,
    RoutePiece,
    local_label,
    public_document,
    service_bands,
)
from maps.pages.public_map import render_public_map

NOW = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Vladivostok")
BANDS = service_bands((3.0, 6.0, 12.0), 24.0)


def test_default_bands_read_in_russian_from_fresh_to_never() -> None:
    assert [(b.key, b.below_h, b.colour, b.label) for b in BANDS] == [
        ("band0", 3.0, "#1a9850", "менее 3 ч"), ("band1", 6.0, "#a6d96a", "3–6 ч"),
        ("band2", 12.0, "#fdae61", "6–12 ч"), ("band3", None, "#d73027", "более 12 ч"),
        ("never", None, "#9e9e9e", "не убиралась за 24 ч")]


def test_configured_bands_keep_the_ends_of_the_palette() -> None:
    bands = service_bands((1.5, 48.0), 72.0)
    assert [(b.label, b.colour) for b in bands] == [
        ("менее 1,5 ч", "#1a9850"), ("1,5–48 ч", "#a6d96a"), ("более 48 ч", "#d73027"),
        ("не убиралась за 72 ч", "#9e9e9e")]


def test_local_label_is_vladivostok_time_with_its_offset() -> None:
    assert local_label(NOW, ZONE) == "05.12.2026 16:00 (UTC+10)"
    assert local_label(NOW, ZoneInfo("Asia/Kolkata")) == "05.12.2026 11:30 (UTC+5:30)"
    assert local_label(None, ZONE) is None


def piece(route_id: int, coords: tuple[tuple[float, float], ...],
          hours_ago: float | None) -> RoutePiece:
    return RoutePiece(route_id, f"улица {route_id}", "plough", coords,
                      None if hours_ago is None else NOW - timedelta(hours=hours_ago))


def test_document_keeps_only_whitelisted_fields_and_merges_a_routes_stretches() -> None:
    """Stretches of one route in one band join into one line; a vehicle's plate, name and
    contractor given in the input never reach the output; coordinates are rounded."""
    snapshot = PublicSnapshot(
        generated_at=NOW, vehicles_at=NOW - timedelta(minutes=15),
        vehicles=[{"kind": "plow", "latitude": 50.5512345, "longitude": 137.0212345,
                   "plate": "А777АА27", "name": "КДМ Сидоров", "contractor": "ООО «Тайна»"}],
        routes=[piece(1, ((137.0, 50.5), (137.1, 50.5)), 1.0),
                piece(1, ((137.1, 50.5), (137.2, 50.5)), 2.5),
                piece(1, ((137.2, 50.5), (137.3, 50.5)), None),
                piece(2, ((137.0, 50.6), (137.1, 50.6)), 7.0)],
        marks=[{"layer": "flooded_basement", "status": "open", "text": "Подвал", "valid_to": None,
                "geometry": {"type": "Point", "coordinates": [137.02, 50.56]}, "author": "x"}])
    doc = public_document(snapshot, BANDS, decimals=3, zone=ZONE)
    assert doc["as_of"] == "05.12.2026 16:00 (UTC+10)"
    assert doc["vehicles_as_of"] == "05.12.2026 15:45 (UTC+10)"
    assert doc["vehicles"]["features"] == [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [137.021, 50.551]},
        "properties": {"kind": "plow", "label": "Снегоочиститель"}}]
    routes = [(f["geometry"]["coordinates"], f["properties"]) for f in doc["routes"]["features"]]
    assert routes == [
        ([[137.0, 50.5], [137.1, 50.5], [137.2, 50.5]],
         {"name": "улица 1", "treatment": "очистка плугом",
          "last_service": "05.12.2026 15:00 (UTC+10)", "band": "band0", "since": "менее 3 ч",
          "colour": "#1a9850"}),
        ([[137.2, 50.5], [137.3, 50.5]],
         {"name": "улица 1", "treatment": "очистка плугом", "last_service": None,
          "band": "never", "since": "не убиралась за 24 ч", "colour": "#9e9e9e"}),
        ([[137.0, 50.6], [137.1, 50.6]],
         {"name": "улица 2", "treatment": "очистка плугом",
          "last_service": "05.12.2026 09:00 (UTC+10)", "band": "band2", "since": "6–12 ч",
          "colour": "#fdae61"})]
    assert doc["marks"]["features"] == [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [137.02, 50.56]},
        "properties": {"layer": "flooded_basement", "status": "открыта", "text": "Подвал",
                       "valid_to": None}}]


def test_page_has_the_russian_legend_and_no_external_asset() -> None:
    """Every band, kind and mark layer is in the legend; the exported page links relatively."""
    page = render_public_map(BANDS, data_url="/public/data/map.json")
    for text in ("Уборка улиц", "менее 3 ч", "3–6 ч", "6–12 ч", "более 12 ч",
                 "не убиралась за 24 ч", "Снегоочистители", "Автобусы",
                 "Подтопленные подвалы", "с задержкой 15 мин, точность около 110 м"):
        assert text in page, text
    exported = render_public_map(BANDS, document={"routes": []}, asset_prefix="static")
    assert 'src="static/vendor/leaflet/dist/leaflet.js"' in exported
    assert "/public/" not in exported
