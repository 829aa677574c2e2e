"""The editor's delete tool asks before it deletes, and the bin restores routes and marks."""

from __future__ import annotations

from typing import Any

from tests.conftest import Served
from tests.maps.pages.test_editor import STREET, open_editor
from tests.served_pages import DISPATCHER, add_staff, api_get, api_post


def street(name: str, shift: float) -> dict[str, Any]:
    coordinates = [[lon, lat + shift] for lon, lat in STREET["geometry"]["coordinates"]]
    return {**STREET, "geometry": {"type": "LineString", "coordinates": coordinates},
            "properties": {**STREET["properties"], "name": name}}


def delete_all_with_the_toolbar(page: Any, accept: bool) -> str:
    """Trash tool, «Удалить все»; answer the confirmation; return its question."""
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.once("dialog", answer)
    page.click(".leaflet-draw-edit-remove")
    page.click("text=Удалить все")
    page.wait_for_selector("[data-toolbar-note]:not([hidden])")
    return asked[0]


def test_delete_all_asks_naming_the_count_and_the_bin_restores(
        server: Served, page: Any) -> None:
    add_staff(server)
    ids = [api_post(server, "/api/routes", street(f"улица № {n}", n * 0.003))["id"]
           for n in range(3)]
    open_editor(page, server)

    question = delete_all_with_the_toolbar(page, accept=False)
    assert question.startswith("Удалить 3 маршрута?")
    assert "Удаление отменено" in page.inner_text("[data-toolbar-note]")
    assert sorted(f["id"] for f in api_get(server, "/api/routes")["features"]) == ids
    assert page.locator("[data-route-list] [data-route-item]").count() == 3

    delete_all_with_the_toolbar(page, accept=True)
    page.wait_for_function(
        "document.querySelector('[data-bin=\"routes\"] [data-bin-count]').textContent === '3'")
    assert "Удалено: 3 маршрута" in page.inner_text("[data-toolbar-note]")
    assert api_get(server, "/api/routes")["features"] == []
    binned = api_get(server, "/api/routes?deleted=true")["features"]
    assert {(f["id"], f["properties"]["deleted_by"]) for f in binned} == {
        (i, DISPATCHER[0]) for i in ids}

    page.click('[data-bin="routes"] summary')
    page.click(f'[data-bin="routes"] [data-restore="{ids[1]}"]')
    page.wait_for_selector(f'[data-route-item="{ids[1]}"]')
    assert "Восстановлено: улица № 1." in page.inner_text('[data-bin="routes"] [data-bin-note]')
    assert [f["id"] for f in api_get(server, "/api/routes")["features"]] == [ids[1]]
    assert page.inner_text('[data-bin="routes"] [data-bin-count]') == "2"


def test_a_deleted_mark_is_restored_from_the_marks_bin(server: Served, page: Any) -> None:
    add_staff(server)
    mark = api_post(server, "/api/marks", {
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [137.0, 50.55]},
        "properties": {"layer": "road_state", "text": "гололёд"}})
    open_editor(page, server)
    page.click('[data-tab="marks"]')
    page.click(f'[data-mark-item="{mark["id"]}"]')
    page.click("[data-mark-delete]")
    page.click("[data-mark-delete]")
    page.wait_for_function(
        "document.querySelector('[data-bin=\"marks\"] [data-bin-count]').textContent === '1'")
    assert api_get(server, "/api/marks")["features"] == []

    page.click('[data-bin="marks"] summary')
    page.click(f'[data-bin="marks"] [data-restore="{mark["id"]}"]')
    page.wait_for_selector(f'[data-mark-item="{mark["id"]}"]')
    assert [f["id"] for f in api_get(server, "/api/marks")["features"]] == [mark["id"]]
