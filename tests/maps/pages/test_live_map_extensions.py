"""The live map's stale cue, contractor filter and sign-in bar, with canned API answers."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from maps.assets import STATIC_DIR
from maps.pages.live_map import render_live_map
from tests.maps.pages.live_city import MARKER

EMPTY: dict[str, Any] = {"type": "FeatureCollection", "features": []}


def vehicle(vid: int, *, age_s: float, online: bool, contractor: str | None) -> dict[str, Any]:
    fix = (datetime.now(UTC) - timedelta(seconds=age_s)).isoformat()
    return {"type": "Feature", "id": vid,
            "geometry": {"type": "Point", "coordinates": [137.0 + vid / 50, 50.55]},
            "properties": {"id": vid, "name": f"КДМ-{vid}", "kind": "plow", "plate": None,
                           "contractor": contractor, "terminals": [], "fix_time": fix,
                           "speed_kmh": 20.0, "course_deg": 90.0, "equipment_active": True,
                           "online": online, "age_s": age_s}}


FLEET: dict[str, Any] = {"type": "FeatureCollection", "features": [
    vehicle(1, age_s=10, online=True, contractor="ООО «Дорожник-27»"),
    vehicle(2, age_s=400, online=True, contractor="МУП «Спецавтохозяйство»"),
    vehicle(3, age_s=4000, online=False, contractor=None),
]}


@pytest.fixture
def live(local_site: Any, page: Any) -> Any:
    """The live map with the bar, served with a canned fleet and a visitor's session."""
    fleet = copy.deepcopy(FLEET)
    local_site.serve_html("/", render_live_map(tile_url=None, poll_interval_s=0.3, app_bar=True))
    local_site.mount("/static", STATIC_DIR)
    local_site.serve_json("/api/vehicles", lambda: fleet)
    local_site.serve_json("/api/routes", lambda: EMPTY)
    local_site.serve_json("/api/marks", lambda: EMPTY)
    local_site.serve_json("/api/alerts", lambda: {**EMPTY, "unacknowledged": 0})
    local_site.serve_json("/api/session", lambda: {"user": None, "csrf_token": None,
                                                   "anonymous_read": True})
    page.goto(local_site.url + "/")
    page.wait_for_function(f"document.querySelectorAll({MARKER!r}).length === 3")
    return page


def cls(page: Any, vid: int) -> str:
    value: str = page.locator(f'[data-vehicle-id="{vid}"]').get_attribute("class")
    return value


def test_fresh_stale_and_offline_vehicles_look_different(live: Any, page_log: Any) -> None:
    """Ten seconds old is plain, seven minutes is stale, an hour is offline; all stay visible."""
    assert "gd-stale" not in cls(live, 1) and "gd-offline" not in cls(live, 1)
    assert "gd-stale" in cls(live, 2) and "gd-offline" not in cls(live, 2)
    assert "gd-offline" in cls(live, 3) and "gd-stale" not in cls(live, 3)
    live.locator('[data-vehicle-id="2"]').click()
    popup = live.locator(".leaflet-popup-content", has_text="КДМ-2")
    popup.wait_for()
    assert "нет свежих отметок" in popup.inner_text()
    assert page_log.failed == [] and page_log.page_errors == []


def test_contractor_filter_hides_other_contractors(live: Any) -> None:
    """Choosing a contractor leaves only its vehicles on the map; "все" brings all back."""
    select = live.locator("[data-contractor-filter]")
    live.wait_for_selector("[data-contractor-filter-row]:not([hidden])")
    options = select.locator("option").all_inner_texts()
    assert options == ["все", "МУП «Спецавтохозяйство»", "ООО «Дорожник-27»", "без подрядчика"]
    select.select_option("ООО «Дорожник-27»")
    live.wait_for_function(f"document.querySelectorAll({MARKER!r}).length === 1")
    assert live.locator('[data-vehicle-id="1"]').count() == 1
    live.wait_for_timeout(700)  # later polls keep the filter
    assert live.locator(MARKER).count() == 1
    status = live.inner_text("[data-live-status]")
    assert "показано 1 из 3, на линии 1, в работе 1 · подрядчик: ООО «Дорожник-27»" in status
    select.select_option("")
    live.wait_for_function(f"document.querySelectorAll({MARKER!r}).length === 3")


def test_bar_offers_sign_in_to_visitors(live: Any) -> None:
    """A visitor sees "гость" and a "Войти" link that comes back to the map."""
    live.wait_for_selector("[data-login]")
    assert live.get_attribute("[data-login]", "href") == "/login?next=%2F"
    assert "гость" in live.inner_text(".gd-session")
    assert live.locator(".gd-nav-active").inner_text() == "Техника на линии"
