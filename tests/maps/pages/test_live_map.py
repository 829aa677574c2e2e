"""The live map page rendered to a string: layers, API wiring, and no CDN anywhere."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import folium
import pytest

from maps.assets import STATIC_DIR, external_references
from maps.pages.live_layers import LIVE_MAP_ENTRY, NeutralBasemap
from maps.pages.live_map import render_live_map
from maps.styles import KIND_STYLES

SRC_HREF = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@pytest.fixture(scope="module")
def page() -> str:
    return render_live_map(tile_url=None)


def marked(page: str, attribute: str) -> dict[str, Any]:
    """The JSON settings of the page's one marker carrying ``attribute``."""
    found = re.findall(attribute + r"='([^']*)'", page)
    assert len(found) == 1, attribute
    config = json.loads(html.unescape(found[0]))
    assert isinstance(config, dict)
    return config


def test_vehicles_are_polled_from_the_api(page: str) -> None:
    """The page asks for the vehicles from /api/vehicles every 5 s, into one cluster layer
    per kind; Leaflet.Realtime, which polls, is the page's own copy."""
    fleet = marked(page, "data-live-fleet")
    assert fleet["apiUrl"] == "/api/vehicles"
    assert fleet["pollMs"] == 5000
    assert set(fleet["groups"]) == {s.kind for s in KIND_STYLES}
    for name in fleet["groups"].values():
        assert f"var {name} = L.markerClusterGroup(" in page


def test_api_url_and_interval_are_configurable() -> None:
    """Another API path and poll interval end up in the page as given."""
    page = render_live_map(tile_url=None, api_url="/city/api/vehicles?depot=2",
                           poll_interval_s=0.5)
    fleet = marked(page, "data-live-fleet")
    assert fleet["apiUrl"] == "/city/api/vehicles?depot=2"
    assert fleet["pollMs"] == 500


def test_poll_interval_must_be_positive() -> None:
    """A zero interval would hammer the server, so it is refused."""
    with pytest.raises(ValueError, match="poll_interval_s"):
        render_live_map(tile_url=None, poll_interval_s=0)


def test_each_kind_is_a_layer_in_the_layer_control(page: str) -> None:
    """Every kind has its own clustering layer, listed in the layer control under its name."""
    assert page.count("L.markerClusterGroup(") == len(KIND_STYLES)
    assert page.count("L.featureGroup(") == 2  # routes, marks
    assert page.count("L.control.layers(") == 1
    overlays = page[page.index("overlays :"):]
    for style in KIND_STYLES:
        assert json.dumps(style.group_label) in overlays


def test_no_external_asset_reference(page: str) -> None:
    """No src= or href= in the page points to http(s), and nothing else external is loaded."""
    for url in SRC_HREF.findall(page):
        assert not url.lower().startswith(("http://", "https://", "//")), url
    assert external_references(page) == []


def test_every_static_reference_exists_on_disk(page: str) -> None:
    """Each /static/... file the page links to is present under maps/static."""
    refs = [url for url in SRC_HREF.findall(page) if url.startswith("/static/")]
    assert any(url.startswith("/static/vendor/leaflet-realtime/") for url in refs)
    assert f"/static/js/{LIVE_MAP_ENTRY}.js" in refs
    for url in refs:
        assert (STATIC_DIR / url.removeprefix("/static/")).is_file(), url


def test_prefixes_are_configurable() -> None:
    """Vendored and own assets follow their prefixes, e.g. for a page served under /dispatch."""
    page = render_live_map(tile_url=None, static_prefix="/dispatch/static/vendor",
                           asset_prefix="/dispatch/static")
    refs = SRC_HREF.findall(page)
    assert "/dispatch/static/vendor/leaflet/dist/leaflet.js" in refs
    assert f"/dispatch/static/js/{LIVE_MAP_ENTRY}.js" in refs
    assert all(url.startswith("/dispatch/static/") for url in refs)


def test_tile_layer_only_when_configured(page: str) -> None:
    """Without a tile URL there is no tile layer; with one, Leaflet gets exactly that template."""
    assert "L.tileLayer(" not in page
    url = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    with_tiles = render_live_map(tile_url=url)
    assert with_tiles.count("L.tileLayer(") == 1
    assert json.dumps(url) in with_tiles
    assert external_references(with_tiles) == []  # tiles are fetched by script, not as assets


def test_map_centre_and_zoom(page: str) -> None:
    """The default view is Komsomolsk-on-Amur at city zoom."""
    assert "center: [50.55, 137.0]" in page
    assert '"zoom": 12' in page


def test_rendering_leaves_folium_defaults_alone() -> None:
    """Localizing one map does not rewrite the CDN links of other folium maps in the process."""
    render_live_map(tile_url=None, static_prefix="/elsewhere")
    other = folium.Map(tiles=None).get_root().render()
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in other


def test_page_is_self_describing(page: str) -> None:
    """The page has a title and its own favicon (so the browser asks for no favicon.ico)."""
    assert "<title>Техника на линии — диспетчерская карта</title>" in page
    assert 'rel="icon"' in page
    assert Path(STATIC_DIR / "img/favicon.svg").is_file()


def context_config(page: str) -> dict[str, Any]:
    """The settings the page hands to live_context.js."""
    return marked(page, "data-live-context")


def test_routes_and_marks_are_layers_in_the_layer_control(page: str) -> None:
    """"Маршруты уборки" and "Отметки" are overlays, after the vehicle kinds."""
    overlays = page[page.index("overlays :"):]
    routes = overlays.index(json.dumps("Маршруты уборки"))
    marks = overlays.index(json.dumps("Отметки"))
    last_kind = overlays.index(json.dumps(KIND_STYLES[-1].group_label))
    assert last_kind < routes < marks


def test_context_layers_poll_their_endpoints_every_minute(page: str) -> None:
    """Routes and marks come from /api/routes and /api/marks every 60 s, not every 5 s."""
    config = context_config(page)
    assert config["routesUrl"] == "/api/routes"
    assert config["marksUrl"] == "/api/marks"
    assert config["refreshMs"] == 60_000
    assert config["fitToRoutes"] is True
    assert config["timeZone"] == "Asia/Vladivostok"


def test_context_urls_and_refresh_are_configurable() -> None:
    """Other endpoints, a faster refresh and no auto-fit end up in the page as given."""
    page = render_live_map(tile_url=None, routes_url="/city/api/routes?district=2",
                           marks_url="/city/api/marks", context_refresh_s=2.5,
                           fit_to_routes=False)
    config = context_config(page)
    assert config["routesUrl"] == "/city/api/routes?district=2"
    assert config["marksUrl"] == "/city/api/marks"
    assert config["refreshMs"] == 2500
    assert config["fitToRoutes"] is False


def test_a_context_layer_can_be_left_out() -> None:
    """With marks_url=None there is no marks layer, legend section or request for marks."""
    page = render_live_map(tile_url=None, marks_url=None)
    config = context_config(page)
    assert config["marksUrl"] is None and config["routesUrl"] == "/api/routes"
    assert config["layers"]["marks"] is None
    assert f'var {config["layers"]["routes"]} = L.featureGroup(' in page
    assert page.count("L.featureGroup(") == 1
    assert json.dumps("Отметки") not in page[page.index("overlays :"):]
    assert "data-mark-count" not in page and "data-treatment-count" in page


def test_no_context_layers_at_all() -> None:
    """Without both URLs ("" counts as none) the page is the vehicles-only map."""
    page = render_live_map(tile_url=None, routes_url=None, marks_url="")
    assert "data-live-context=" not in page
    assert "L.featureGroup(" not in page
    assert "gd-legend-context" not in page


def test_context_refresh_must_be_positive() -> None:
    """A zero refresh would poll the rarely-changing layers in a busy loop, so it is refused."""
    with pytest.raises(ValueError, match="context_refresh_s"):
        render_live_map(tile_url=None, context_refresh_s=0)


def test_neutral_background_only_without_tiles(page: str) -> None:
    """No tile URL: the page draws its own neutral background; with tiles it does not."""
    assert page.count("data-neutral-basemap=") == 1
    with_tiles = render_live_map(tile_url="/tiles/{z}/{x}/{y}.png")
    assert "data-neutral-basemap=" not in with_tiles


def test_the_entry_module_is_linked_once(page: str) -> None:
    """Three elements need the live map's entry; the page links it (and the CSS) once, as a
    module, which runs after the vendored libraries and Folium's inline script whatever its
    place in the header."""
    assert page.count(f'<script type="module" src="/static/js/{LIVE_MAP_ENTRY}.js">') == 1
    assert page.count("/static/js/") == 1
    assert page.index("/static/vendor/leaflet-realtime/") > 0
    assert page.count('href="/static/css/live_map.css"') == 1


def test_the_basemap_alone_links_only_its_stylesheet() -> None:
    """The neutral basemap links no script: every map page's entry imports the one that draws
    it."""
    fmap = folium.Map(tiles=None)
    NeutralBasemap(asset_prefix="/static").add_to(fmap)
    html = fmap.get_root().render()
    assert "/static/js/" not in html
    assert html.count('href="/static/css/live_map.css"') == 1


def test_no_external_asset_reference_with_or_without_context_layers() -> None:
    """Neither the context layers nor their absence bring in anything from outside."""
    for kwargs in ({}, {"routes_url": None, "marks_url": None}, {"marks_url": None}):
        page = render_live_map(tile_url=None, **kwargs)
        for url in SRC_HREF.findall(page):
            assert not url.lower().startswith(("http://", "https://", "//")), url
        assert external_references(page) == []


def test_vehicles_cluster_below_street_zoom_from_the_vendored_plugin(page: str) -> None:
    """Each kind clusters until zoom 15, within 45 px; the map has the maxZoom clusters need;
    the plugin comes from our static folder."""
    for option in ('"maxClusterRadius": 45', '"disableClusteringAtZoom": 15',
                   '"showCoverageOnHover": false', '"maxZoom": 19'):
        assert option in page
    assert "/static/vendor/leaflet.markercluster/dist/leaflet.markercluster.js" in page
    assert "/static/vendor/leaflet.markercluster/dist/MarkerCluster.Default.css" in page


def test_the_bar_adds_no_script_of_its_own() -> None:
    """pages.js fills in the bar; the live map's entry imports it, so the bar links nothing."""
    page = render_live_map(tile_url=None, app_bar=True)
    assert page.count("/static/js/") == 1
