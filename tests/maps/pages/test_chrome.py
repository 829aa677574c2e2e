"""What every dispatcher page shares: the bar (current page marked, admin links and session
for pages.js to fill in), the page map with its basemap, and the pages without a map."""

from __future__ import annotations

import re

import folium
import pytest

from maps.assets import ExternalAssetError
from maps.pages.chrome import (
    ADMIN_NAV,
    APPBAR_HEIGHT_PX,
    BRAND,
    EDITOR_ROLES,
    NAV,
    ROLE_LABELS,
    app_page,
    appbar_html,
    finish_page,
    json_attribute,
    page_map,
)
from tests.maps.pages.test_pages import json_attribute as read_json_attribute
from tests.maps.pages.test_pages import shows

TILES = "https://tiles.example.org/{z}/{x}/{y}.png"


def test_the_bar_marks_only_the_current_page() -> None:
    html = appbar_html("bar", "storms", "/static", 0, "/api/session")
    links = re.findall(r'<a href="([^"]*)"([^>]*)>([^<]*)</a>', html)
    assert [(path, label) for path, _attrs, label in links] == [
        (path, label) for _key, path, label in NAV]
    assert [path for path, attrs, _label in links if attrs] == ["/storms"]
    assert ' aria-current="page" class="gd-nav-active">Снегопады</a>' in html


def test_the_bar_tells_pages_js_where_to_ask_and_what_to_show() -> None:
    html = appbar_html("bar", "live", "/static/", 320, None)
    assert read_json_attribute(html, "data-appbar") == {
        "sessionUrl": None, "loginUrl": "/login", "logoutUrl": "/logout", "roles": ROLE_LABELS,
        "editorRoles": list(EDITOR_ROLES), "adminLinks": [list(link) for link in ADMIN_NAV]}
    assert f":root{{--gd-appbar-h:{APPBAR_HEIGHT_PX}px;--gd-side-w:320px}}" in html
    assert '<img src="/static/img/favicon.svg"' in html
    assert "<span>" + "<br>".join(BRAND.split(" · ")) + "</span>" in html


def test_only_the_live_map_shows_the_alerts_badge() -> None:
    assert "data-alerts-badge" in appbar_html("bar", "live", "/static", 0, "/api/session")
    for key, _path, _label in NAV[1:]:
        assert "data-alerts-badge" not in appbar_html("bar", key, "/static", 0, "/api/session")


def test_json_attribute_survives_quotes_and_markup() -> None:
    value = {"text": 'улица "Мира" <b>&</b>', "n": [1, None]}
    encoded = json_attribute(value)
    assert '"' not in encoded and "<" not in encoded
    assert read_json_attribute(f'<main data-x="{encoded}">', "data-x") == value


def test_a_page_without_tiles_gets_the_neutral_basemap() -> None:
    page = page_map(title="Треки", active="playback").get_root().render()
    assert "data-neutral-basemap=" in page and "L.tileLayer(" not in page
    assert "<title>Треки</title>" in page and 'href="/static/img/favicon.svg"' in page
    assert '<header class="gd-appbar"' in page


def test_configured_tiles_replace_the_neutral_basemap() -> None:
    fmap = page_map(title="Карта", active="live", tile_url=TILES, tile_attribution="© ОСМ",
                    app_bar=False)
    page = fmap.get_root().render()
    assert TILES in page and shows(page, "© ОСМ") and "data-neutral-basemap=" not in page
    assert "gd-appbar" not in page


def test_finish_page_refuses_a_page_that_loads_from_outside() -> None:
    fmap = page_map(title="Карта", active="live")
    assert "cdn.jsdelivr.net" not in finish_page(fmap)
    leaking = page_map(title="Карта", active="live")
    folium.Element('<script src="https://cdn.example.org/x.js"></script>').add_to(
        leaking.get_root().header)
    with pytest.raises(ExternalAssetError):
        finish_page(leaking)


def test_a_page_without_a_map_links_its_entry_and_may_refresh() -> None:
    html = app_page(title="Ретрансляция <РНИС>", active="", body_html="<p>таблица</p>",
                    script="delivery", config={"n": 1}, refresh_s=30)
    assert '<meta http-equiv="refresh" content="30">' in html
    assert f"<title>Ретрансляция &lt;РНИС&gt; · {BRAND}</title>" in html
    assert '<script type="module" src="/static/js/delivery.js"></script>' in html
    assert read_json_attribute(html, "data-page-config") == {"n": 1}
    assert "<main " in html and "<p>таблица</p></main>" in html
    plain = app_page(title="Машины", active="", body_html="")
    assert "refresh" not in plain and "/static/js/pages.js" in plain
    assert read_json_attribute(plain, "data-page-config") == {}
