"""``glonass-dispatch routes import --network`` and ``routes check`` against the test database.

Two plough routes of different contractors share 400 m of ул. Ленина; the imported network
adds ул. Новая, which no route claims; a route moved to the bin leaves ул. Старая unclaimed.
Contractor А has one plough, Б none.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg2
import pytest

from db import routes as store
from db import vehicles as vehicle_registry
from dispatch.routes import Route
from egts_server.cli import main
from tests.dispatch.synthetic import lonlat

pytestmark = pytest.mark.postgis


def line(a: tuple[float, float], b: tuple[float, float]) -> tuple[tuple[float, float], ...]:
    return (lonlat(*a), lonlat(*b))


def test_the_check_finds_double_claims_unclaimed_streets_and_thin_crews(
        dsn: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", dsn)
    monkeypatch.delenv("GLONASS_DISPATCH_CONFIG", raising=False)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        store.insert_route(cur, Route(id=None, name="ул. Ленина", contractor="А", priority=1,
                                      coordinates=line((0, 0), (1000, 0))))
        store.insert_route(cur, Route(id=None, name="ул. Ленина (продолжение)", contractor="Б",
                                      coordinates=line((600, 0), (1600, 0))))
        old = store.insert_route(cur, Route(id=None, name="ул. Старая", contractor="А",
                                            coordinates=line((0, 300), (500, 300))))
        store.delete_route(cur, old)
        vehicle_registry.add_vehicle(cur, "КДМ 1", "plow", None, "А", equipment_input=1)
    conn.close()
    network = tmp_path / "network.geojson"
    network.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "ул. Новая"},
         "geometry": {"type": "LineString", "coordinates": [list(c) for c in
                                                            line((0, 900), (700, 900))]}}]}),
        encoding="utf-8")

    assert main(["routes", "import", "--network", str(network)]) == 0
    assert capsys.readouterr().out == "imported the street network: 1 streets\n"
    assert main(["routes", "check", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (overlap,) = report["overlaps"]
    assert [r["name"] for r in overlap["routes"]] == ["ул. Ленина", "ул. Ленина (продолжение)"]
    assert 414.0 <= overlap["length_m"] <= 416.0
    assert [(u["name"], round(u["length_m"])) for u in report["unclaimed"]] == [
        ("ул. Новая", 700), ("ул. Старая", 500)]
    loads = {x["contractor"]: x for x in report["contractors"]}
    assert (loads["А"]["vehicles"], loads["А"]["norm_h"], loads["А"]["enough"]) == (1, 4.0, True)
    assert (loads["Б"]["vehicles"], loads["Б"]["hours_needed"], loads["Б"]["enough"]) == (
        0, None, False)

    assert main(["routes", "check"]) == 0
    text = capsys.readouterr().out
    assert "Улицы в двух маршрутах и более: 1" in text
    assert "Улицы сети без маршрута: 2" in text
    assert "Б, очистка плугом: маршрутов 1, работы 2,0 км, машин 0 (0 км/ч): нет техники " \
           "при нормативе 6 ч — НЕ ХВАТАЕТ" in text
    assert "А, очистка плугом: маршрутов 1, работы 2,0 км, машин 1 (20 км/ч): 0,1 ч при " \
           "нормативе 4 ч — хватает" in text


def test_a_bad_network_file_names_the_feature_and_stores_nothing(
        dsn: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", dsn)
    monkeypatch.delenv("GLONASS_DISPATCH_CONFIG", raising=False)
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [137, 50.5]}}]}))
    assert main(["routes", "import", "--network", str(bad)]) == 2
    assert "feature 0: geometry must be a LineString or MultiLineString" in \
        capsys.readouterr().err
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM street_network")
        assert cur.fetchone()[0] == 0
    conn.close()
