"""«Загрузить GeoJSON» in the editor, in headless Chromium: a file with bad features lists every
one of them and stores nothing; a good file with a MultiLineString street adds a route per part."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Served
from tests.maps.pages.test_editor import STREET, open_editor
from tests.served_pages import add_staff, api_get

TWO_STRETCHES = {"type": "Feature", "properties": {"name": "проспект Мира"},
                 "geometry": {"type": "MultiLineString", "coordinates": [
                     [[136.99, 50.56], [137.00, 50.561]], [[137.01, 50.562], [137.02, 50.563]]]}}
ZERO_LENGTH = {"type": "Feature", "properties": {"name": "тупик"},
               "geometry": {"type": "LineString", "coordinates": [[137.0, 50.55], [137.0, 50.55]]}}
POINT = {"type": "Feature", "properties": {"name": "остановка"},
         "geometry": {"type": "Point", "coordinates": [137.0, 50.55]}}


def geojson_file(folder: Path, name: str, features: list[dict[str, Any]]) -> Path:
    path = folder / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, indent=1,
                               ensure_ascii=False), encoding="utf-8")
    return path


def test_upload_lists_every_bad_feature_then_imports_a_good_file(
        server: Served, page: Any, page_log: Any, tmp_path: Path) -> None:
    add_staff(server)
    open_editor(page, server)
    bad = geojson_file(tmp_path, "bad.geojson", [STREET, ZERO_LENGTH, POINT])
    page.set_input_files("[data-upload-file]", str(bad))
    starts = [i + 1 for i, row in enumerate(bad.read_text(encoding="utf-8").splitlines())
              if row == "  {"]
    errors = page.locator("[data-upload-errors] li")
    errors.first.wait_for()
    assert errors.all_inner_texts() == [
        f"объект 1 («тупик», строка {starts[1]}): у линии нулевая длина",
        f"объект 2 («остановка», строка {starts[2]}): геометрия должна быть линией "
        "(LineString), а не 'Point'"]
    assert page.inner_text("[data-upload-note]") == ("Файл не загружен, ни один маршрут не "
                                                     "сохранён. Ошибок: 2.")
    assert api_get(server, "/api/routes")["features"] == []

    good = geojson_file(tmp_path, "good.geojson", [STREET, TWO_STRETCHES])
    page.set_input_files("[data-upload-file]", str(good))
    page.locator("[data-upload-note]", has_text="Загружено маршрутов: 3.").wait_for()
    assert page.locator("[data-upload-errors]").is_hidden()
    page.locator("[data-route-count]", has_text="всего 3").wait_for()
    assert sorted(f["properties"]["name"] for f in api_get(server, "/api/routes")["features"]) == [
        "проспект Мира (участок 1 из 2)", "проспект Мира (участок 2 из 2)", "улица Кирова"]
    assert page_log.external() == [] and page_log.page_errors == []


def test_the_upload_is_for_those_who_may_edit(server: Served, page: Any) -> None:
    page.goto(f"{server.base_url}/editor")
    page.wait_for_selector("[data-access]:not([hidden])")
    assert page.locator("[data-upload-routes]").is_hidden()
