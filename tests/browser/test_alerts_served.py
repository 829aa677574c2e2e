"""/events and the live map's alerts badge in headless Chromium.

The alerts are stored as the server's alert job stores them (``db.alerts.sync``), with the job
itself switched off so that nothing else changes them during the test. The browser runs on
Moscow time: the times shown are Vladivostok's all the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from db import alerts as store
from dispatch.alerts import Condition
from tests.browser.served_pages import AUDITOR, add_staff, api_get, register_plough, sign_in_page
from tests.conftest import Served, start_server, stop_server

pytestmark = [pytest.mark.browser, pytest.mark.postgis]
RAISED = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)  # 12:00 in Vladivostok


@pytest.fixture()
def quiet_server(dsn: str, tmp_path: Path) -> Iterator[Served]:
    served = start_server(dsn, tmp_path, "[alerts]\nenabled = false\n")
    yield served
    stop_server(served)


def two_alerts(served: Served) -> dict[str, int]:
    """КДМ 501 silent during «Метель» since 11:45, КДМ 502 speeding since 11:58."""
    silent = register_plough(served, 501, "КДМ 501")
    fast = register_plough(served, 502, "КДМ 502")
    with psycopg2.connect(served.dsn) as conn, conn.cursor() as cur:
        store.sync(cur, [
            Condition("silent_during_storm", silent, RAISED.timestamp() - 900, 137.0, 50.55,
                      {"storm_id": 1, "storm": "Метель", "silent_min": 15.0}),
            Condition("speeding_while_treating", fast, RAISED.timestamp() - 120, 137.01, 50.55,
                      {"max_speed_kmh": 70.0, "limit_kmh": 45.0, "fixes": 12})],
            ["silent_during_storm", "speeding_while_treating"], RAISED)
    conn.close()
    return {"silent": silent, "fast": fast}


def rows(page: Any) -> list[list[str]]:
    return [row.locator("td").all_inner_texts()
            for row in page.locator("[data-alerts] tbody tr").all()]


def test_dispatcher_filters_and_acknowledges_then_the_badge_counts(
        quiet_server: Served, page: Any, page_log: Any) -> None:
    add_staff(quiet_server)
    ids = two_alerts(quiet_server)
    sign_in_page(page, quiet_server, "/events")
    page.locator("[data-alerts] tbody tr[data-alert-id]").nth(1).wait_for()
    assert page.locator("[data-offset]").inner_text() == "UTC+10"
    assert page.locator("header.gd-appbar .gd-nav-active").inner_text() == "Тревоги"
    assert page.locator("[data-unacknowledged]").inner_text() == "2"
    assert [r[:6] for r in rows(page)] == [  # newest first: raised together, stored later
        ["05.12.2026 12:00", "Превышение рабочей скорости", "КДМ 502", "05.12.2026 11:58",
         "продолжается", "до 70 км/ч при пределе 45 км/ч"],
        ["05.12.2026 12:00", "Нет связи во время снегопада", "КДМ 501", "05.12.2026 11:45",
         "продолжается", "без связи 15 мин, снегопад «Метель»"]]

    form = page.locator("[data-filter]")
    form.locator("select[name=kind]").select_option("speeding_while_treating")
    form.locator("button[type=submit]").click()
    page.locator("[data-alerts] tbody tr[data-kind=silent_during_storm]").wait_for(
        state="detached")
    assert [r[2] for r in rows(page)] == ["КДМ 502"]
    form.locator("select[name=kind]").select_option("")
    form.locator("select[name=vehicle]").select_option(label="КДМ 501")
    form.locator("input[name=from]").fill("2026-12-05T11:30")
    form.locator("input[name=to]").fill("2026-12-05T12:30")
    form.locator("button[type=submit]").click()
    page.locator("[data-alerts] tbody tr[data-kind=speeding_while_treating]").wait_for(
        state="detached")
    assert [r[2] for r in rows(page)] == ["КДМ 501"]
    track = page.locator("[data-alerts] [data-action=track]").get_attribute("href")
    assert track == (  # 11:35 to 12:10 in Vladivostok
        f"/playback?vehicle={ids['silent']}&from=2026-12-05T01%3A35%3A00Z"
        "&to=2026-12-05T02%3A10%3A00Z")
    form.locator("input[name=to]").fill("2026-12-05T11:59")
    form.locator("button[type=submit]").click()
    page.locator("[data-alerts] tbody tr", has_text="Тревог нет.").wait_for()

    form.locator("input[name=to]").fill("")
    form.locator("button[type=submit]").click()
    row = page.locator("[data-alerts] tbody tr[data-kind=silent_during_storm]")
    row.get_by_role("button", name="Подтвердить").click()
    row.locator("td.ok").wait_for()
    assert row.locator("td.ok").inner_text().startswith("ivanova, ")
    assert page.locator("[data-unacknowledged]").inner_text() == "1"
    (acked,) = [f["properties"] for f in api_get(quiet_server, "/api/alerts")["features"]
                if f["properties"]["acknowledged_at"]]
    assert (acked["vehicle"], acked["acknowledged_by"]) == ("КДМ 501", "ivanova")

    with page.expect_request(lambda r: f"/api/vehicles/{ids['silent']}/track?" in r.url) as asked:
        row.locator("[data-action=track]").click()  # playback asks for the alert's window
    assert asked.value.url.endswith("from=2026-12-05T01%3A35%3A00Z&to=2026-12-05T02%3A10%3A00Z")
    page.goto(quiet_server.base_url + "/")
    badge = page.locator("header.gd-appbar [data-alerts-badge]")
    badge.wait_for()
    assert badge.locator("[data-alerts-count]").inner_text() == "1"
    assert badge.get_attribute("title") == "Неподтверждённых тревог: 1"
    badge.click()
    page.wait_for_url(quiet_server.base_url + "/events")
    assert page_log.external() == [] and page_log.page_errors == []


def test_auditor_reads_alerts_without_acknowledging_and_the_badge_mutes_at_zero(
        quiet_server: Served, page: Any, page_log: Any) -> None:
    add_staff(quiet_server)
    sign_in_page(page, quiet_server, "/", AUDITOR)
    badge = page.locator("[data-alerts-badge]")
    badge.wait_for()
    assert badge.locator("[data-alerts-count]").inner_text() == "0"
    assert "gd-alerts-none" in (badge.get_attribute("class") or "")
    two_alerts(quiet_server)
    page.goto(quiet_server.base_url + "/events")
    page.locator("[data-alerts] tbody tr[data-alert-id]").nth(1).wait_for()
    assert [r[6] for r in rows(page)] == ["не подтверждена", "не подтверждена"]
    assert page.get_by_role("button", name="Подтвердить").count() == 0
    assert page_log.external() == [] and page_log.page_errors == []
