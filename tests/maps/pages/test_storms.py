"""/storms in headless Chromium: a dispatcher declares a storm and ends it, opens the act, prints
it and downloads its CSV; an auditor reads the same list without the forms.

The browser runs on Moscow time: the times typed and shown are Vladivostok's all the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import Served
from tests.dispatch.synthetic import lonlat
from tests.served_pages import AUDITOR, add_staff, api_get, api_post, sign_in_page

STREET = {"type": "Feature",
          "geometry": {"type": "LineString",
                       "coordinates": [list(lonlat(0, 0)), list(lonlat(1000, 0))]},
          "properties": {"name": "ул. Ленина", "treatment": "plough", "priority": 1,
                         "contractor": "ООО «Дорожник-27»"}}


def test_dispatcher_declares_ends_and_opens_the_act(server: Served, page: Any, page_log: Any,
                                                    tmp_path: Path) -> None:
    add_staff(server)
    api_post(server, "/api/routes", STREET)
    sign_in_page(page, server, "/storms")
    form = page.locator("[data-declare-form]")
    form.wait_for()
    form.locator("input[name=name]").fill("Метель 5 декабря")
    form.locator("input[name=started_at]").fill("2026-12-05T02:30")
    form.locator("input[name=norm2]").fill("5")
    form.locator("button[type=submit]").click()
    row = page.locator("[data-storms] tbody tr", has_text="Метель 5 декабря")
    row.wait_for()
    (storm,) = api_get(server, "/api/storms")
    assert storm["started_at"] == "2026-12-04T16:30:00+00:00"  # typed as Vladivostok's 02:30
    assert storm["norms_h"] == {"1": 4.0, "2": 5.0, "3": 12.0}
    cells = row.locator("td").all_inner_texts()
    assert cells[1:6] == ["Метель 5 декабря", "05.12.2026 02:30", "идёт", "—",
                          "1: 4 ч, 2: 5 ч, 3: 12 ч"]

    row.get_by_role("button", name="Снегопад кончился").click()
    end = page.locator("[data-end-form]")
    end.locator("input[name=snowfall_ended_at]").fill("2026-12-05T06:00")
    end.locator("input[name=closed_at]").fill("2026-12-05T10:00")
    end.locator("button[type=submit]").click()
    row.locator("td", has_text="05.12.2026 10:00").wait_for()
    assert row.locator("td").all_inner_texts()[3:5] == ["05.12.2026 06:00", "05.12.2026 10:00"]
    assert row.get_by_role("button").count() == 0  # a closed storm is not ended again
    assert api_get(server, f"/api/storms/{storm['id']}")["snowfall_ended_at"] == (
        "2026-12-04T20:00:00+00:00")

    row.locator("[data-action=act]").click()
    page.wait_for_url(f"{server.base_url}/storms/{storm['id']}")
    assert page.locator("h1").inner_text() == "Акт выполненных работ: Метель 5 декабря"
    assert "Начало: 05.12.2026 02:30 (+10:00)" in page.inner_text(".gd-report")
    assert "ул. Ленина" in page.inner_text(".gd-report table >> nth=1")
    page.locator(".leaflet-interactive").first.wait_for()  # the map draws the route
    with page.expect_download() as download:
        page.click("[data-act-csv]")
    name = download.value.suggested_filename
    assert name.startswith(f"storm-{storm['id']}-act-") and name.endswith(".csv")
    saved = tmp_path / name
    download.value.save_as(saved)
    text = saved.read_bytes().decode("utf-8")
    assert text.startswith("\ufeffпараметр;значение\r\nснегопад;№ ")
    assert "ООО «Дорожник-27»;" in text and "начало;05.12.2026 02:30 (+10:00)" in text

    tools = page.locator(".gd-report-tools")
    assert tools.is_visible()
    page.emulate_media(media="print")
    assert not tools.is_visible()  # the printed act is the act alone
    assert page_log.external() == [] and page_log.page_errors == []


def test_an_auditor_reads_storms_without_the_forms(server: Served, page: Any,
                                                   page_log: Any) -> None:
    add_staff(server)
    api_post(server, "/api/storms", {"name": "Буран", "started_at": "2026-12-05T08:00"})
    sign_in_page(page, server, "/storms", AUDITOR)
    row = page.locator("[data-storms] tbody tr", has_text="Буран")
    row.wait_for()
    assert row.locator("td").all_inner_texts()[2] == "05.12.2026 08:00"
    assert row.get_by_role("button").count() == 0
    assert row.locator("[data-action=csv]").get_attribute("href").endswith("/act?format=csv")
    assert page.locator("[data-declare]").is_hidden()
    assert page.locator("header.gd-appbar .gd-nav-active").inner_text() == "Снегопады"
    assert page_log.external() == [] and page_log.page_errors == []
