"""``routes import`` run as a person runs it: MultiLineString streets become one route per part,
and a file with bad features names every one of them, exits 2 and imports nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.dispatch.geometry_fixtures import (
    L_SHAPED,
    POINT_GEOMETRY,
    STRAIGHT_EAST_1KM,
    ZERO_LENGTH,
    line_feature,
    wgs84,
)
from tests.egts_server.cli.test_vehicles import rows


def street(name: str, *parts: tuple[tuple[float, float], ...]) -> dict[str, object]:
    return {"type": "Feature", "properties": {"name": name},
            "geometry": {"type": "MultiLineString", "coordinates": [wgs84(p) for p in parts]}}


def write(path: Path, features: list[dict[str, object]]) -> str:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, indent=1,
                               ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_multilinestring_streets_import_one_route_per_part(dsn: str, tmp_path: Path) -> None:
    source = write(tmp_path / "qgis.geojson", [street("ул. Ленина", STRAIGHT_EAST_1KM, L_SHAPED),
                                                line_feature(L_SHAPED, "ул. Мира")])
    result = run_cli(dsn, "routes", "import", source)
    assert (result.returncode, result.stdout) == (0, "imported 3 routes: 3 created, 0 updated\n")
    assert rows(dsn, "SELECT name FROM routes ORDER BY id") == [
        ("ул. Ленина (участок 1 из 2)",), ("ул. Ленина (участок 2 из 2)",), ("ул. Мира",)]


def test_every_bad_feature_is_named_and_nothing_is_imported(dsn: str, tmp_path: Path) -> None:
    source = write(tmp_path / "bad.geojson", [
        line_feature(STRAIGHT_EAST_1KM, "Первая"), line_feature(ZERO_LENGTH, "Вторая"),
        {"type": "Feature", "geometry": POINT_GEOMETRY, "properties": {"name": "Третья"}},
        street("Четвёртая", STRAIGHT_EAST_1KM, ZERO_LENGTH)])
    result = run_cli(dsn, "routes", "import", source)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert [line.split(": ", 2)[2].split(" (")[0] for line in lines[:3]] == [
        "объект 1", "объект 2", "объект 3"]
    assert "(«Вторая», строка " in lines[0] and lines[0].endswith("у линии нулевая длина")
    assert lines[1].endswith("геометрия должна быть линией (LineString), а не 'Point'")
    assert "часть 2: у линии нулевая длина" in lines[2]
    assert lines[3] == (f"glonass-dispatch: {source}: объектов с ошибками: 3; ничего не "
                        "импортировано")
    assert len(lines) == 4 and "Traceback" not in result.stderr
    assert rows(dsn, "SELECT count(*) FROM routes") == [(0,)]
