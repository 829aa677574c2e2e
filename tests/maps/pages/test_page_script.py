"""How a page links our browser code: one entry module however many elements need it, inline
as one classic script for a page opened from disk."""

from __future__ import annotations

import re

import folium

from maps.pages.page_script import PageScript, module_tag
from maps.pages.script_bundle import classic_bundle

OUR_SCRIPTS = re.compile(r'<script[^>]*src="(?!https?://)[^"]*/js/[^"]*"[^>]*>')  # not folium's CDN


def rendered(*elements: PageScript) -> str:
    fmap = folium.Map(tiles=None)
    for element in elements:
        element.add_to(fmap)
    page: str = fmap.get_root().render()
    return page


def test_the_entry_is_linked_once_as_a_module_whatever_links_it() -> None:
    page = rendered(PageScript(entry="editor", styles=["editor"], asset_prefix="/static/"),
                    PageScript(entry="editor", styles=["app"], asset_prefix="/static"))
    assert OUR_SCRIPTS.findall(page) == ['<script type="module" src="/static/js/editor.js">']
    assert page.count('href="/static/css/editor.css"') == 1
    assert page.count('href="/static/css/app.css"') == 1


def test_no_entry_links_only_the_stylesheets_and_libraries() -> None:
    library = ("leaflet_realtime", "/static/vendor/leaflet-realtime/dist/leaflet-realtime.js")
    page = rendered(PageScript(entry=None, styles=["app"], asset_prefix="vendor",
                               libraries=[library]))
    assert OUR_SCRIPTS.findall(page) == []
    assert 'href="vendor/css/app.css"' in page
    assert f'src="{library[1]}"' in page


def test_an_inline_entry_is_the_classic_bundle_in_the_page() -> None:
    page = rendered(PageScript(entry="public_map", styles=[], asset_prefix="assets",
                               inline=True))
    assert OUR_SCRIPTS.findall(page) == [] and 'type="module"' not in page
    assert f"<script>{classic_bundle('public_map')}</script>" in page


def test_one_page_s_prefix_never_reaches_another_page() -> None:
    rendered(PageScript(entry="storms", styles=["storms"], asset_prefix="file-export"))
    page = rendered(PageScript(entry="storms", styles=["storms"], asset_prefix="/static"))
    assert "file-export" not in page


def test_the_module_tag_escapes_its_url() -> None:
    assert module_tag('/static/js/a.js?v="1"&x') == (
        '<script type="module" src="/static/js/a.js?v=&quot;1&quot;&amp;x"></script>')
