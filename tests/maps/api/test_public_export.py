"""``maps export``: the public map as files, with cleared streets and nothing internal."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg2

from maps.assets import external_references
from tests.public_city import (
    NEVER_NAME,
    PLOUGHED_NAME,
    SECRETS,
    demo_secrets,
    export,
    leaks,
    prepare,
)


def test_export_colours_the_ploughed_street_and_leaks_nothing(dsn: str, tmp_path: Path) -> None:
    """Next to the demo city: the street ploughed 70 minutes ago is in the first band, the other
    "never"; the vehicle shows its kind at a rounded place; the public mark is there; no file
    holds an internal value of the small city or of the demo's."""
    prepare(dsn, with_demo=True)
    out = export(dsn, tmp_path / "site")
    assert "1 vehicles, 26 routes" in out
    site = tmp_path / "site"
    routes = json.loads((site / "data" / "routes.geojson").read_text(encoding="utf-8"))
    by_name: dict[str, list[dict[str, str]]] = {}
    for feature in routes["features"]:
        by_name.setdefault(feature["properties"]["name"], []).append(feature["properties"])
    ploughed = [p for p in by_name[PLOUGHED_NAME] if p["band"] == "band0"]
    assert ploughed and ploughed[0]["colour"] == "#1a9850"
    assert ploughed[0]["last_service"].endswith("(UTC+10)")
    assert ploughed[0]["since"] == "менее 3 ч"
    assert {p["band"] for p in by_name[NEVER_NAME]} == {"never"}
    vehicles = json.loads((site / "data" / "vehicles.geojson").read_text(encoding="utf-8"))
    assert [(f["geometry"]["coordinates"], f["properties"]) for f in vehicles["features"]] == [
        ([137.021, 50.551], {"kind": "plow", "label": "Снегоочиститель"})]
    marks = json.loads((site / "data" / "marks.geojson").read_text(encoding="utf-8"))
    texts = [f["properties"]["text"] for f in marks["features"]]
    assert "Подтоплен подвал, ул. Кирова 5" in texts
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT driver, driver_phone FROM vehicles WHERE driver IS NOT NULL")
        drivers = cur.fetchall()
    conn.close()
    secrets = (*SECRETS, *demo_secrets())
    # every driver and phone stored is hunted for below, the small city's shown form too
    assert len(drivers) == 85 and {value for row in drivers for value in row} <= set(secrets)
    assert "+7 914 555-00-11" in secrets
    assert not set(texts) & set(secrets)
    found = {str(p.relative_to(site)): leaks(p.read_bytes(), secrets)
             for p in site.rglob("*") if p.is_file()}
    assert {name: hit for name, hit in found.items() if hit} == {}
    assert len(found) > 20  # the page, the data and the copied assets were all scanned
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "static/js/" not in page and 'type="module"' not in page  # no modules from disk
    assert external_references(page) == []
