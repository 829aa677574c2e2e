"""Vendored assets: the CDN-to-local table, the committed files, and the offline check."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import folium
import pytest
from folium.plugins import Fullscreen, Realtime

from maps.assets import (
    ASSETS,
    VENDOR_DIR,
    ExternalAssetError,
    UnvendoredAssetError,
    assert_offline,
    external_references,
    local_url,
    localize,
)
from maps.vendor import MANIFEST, css_references

PACKAGE_JSON = Path(__file__).resolve().parents[2] / "package.json"


def test_every_table_entry_is_vendored() -> None:
    """Each CDN URL in the table has its file in maps/static/vendor."""
    for asset in ASSETS:
        assert (VENDOR_DIR / asset.target).is_file(), asset.target


def test_manifest_lists_exactly_the_files_on_disk() -> None:
    """Nothing unlisted sits in the vendor folder, and every checksum matches."""
    manifest = json.loads((VENDOR_DIR / MANIFEST).read_text(encoding="utf-8"))
    on_disk = {
        p.relative_to(VENDOR_DIR).as_posix()
        for p in VENDOR_DIR.rglob("*") if p.is_file() and p.name != MANIFEST
    }
    assert on_disk == set(manifest)
    for target, entry in manifest.items():
        assert hashlib.sha256((VENDOR_DIR / target).read_bytes()).hexdigest() == entry["sha256"]


def test_vendor_folder_stays_small() -> None:
    """The committed libraries stay within a few megabytes."""
    size = sum(p.stat().st_size for p in VENDOR_DIR.rglob("*") if p.is_file())
    assert size < 4 * 1024 * 1024


def test_vendored_stylesheets_find_their_fonts_and_images() -> None:
    """Every url(...) in a vendored stylesheet resolves to a vendored file."""
    sheets = list(VENDOR_DIR.rglob("*.css"))
    assert sheets
    for sheet in sheets:
        for ref in css_references(sheet.read_text(encoding="utf-8")):
            assert (sheet.parent / ref).resolve().is_file(), f"{sheet.name}: {ref}"


def test_package_json_pins_exact_versions_folium_links() -> None:
    """Each npm dependency is pinned exactly, to the version in folium's CDN URL unless noted."""
    deps: dict[str, str] = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))["dependencies"]
    for spec in deps.values():
        assert re.fullmatch(r"(npm:[@\w./-]+@)?\d+\.\d+\.\d+", spec), spec
    for asset in ASSETS:
        if not asset.package:
            continue
        assert asset.package in deps
        version = deps[asset.package].rpartition("@")[2]
        if not asset.note:
            assert version in asset.cdn_url, (asset.package, version, asset.cdn_url)


def test_localize_rewrites_map_and_plugin_links() -> None:
    """Map and Realtime links point under the prefix after localize, on the instances only."""
    m = folium.Map(tiles=None)
    rt = Realtime("/api/vehicles")
    rt.add_to(m)
    localize(m, prefix="/s/v/")
    assert dict(m.default_js)["leaflet"] == "/s/v/leaflet/dist/leaflet.js"
    assert dict(rt.default_js)["Leaflet_Realtime_js"] == (
        "/s/v/leaflet-realtime/dist/leaflet-realtime.js"
    )
    assert folium.Map.default_js[0][1].startswith("https://")
    assert external_references(m.get_root().render()) == []


def test_localize_twice_is_harmless() -> None:
    """Already-local links pass through, so a page can be localized again after more layers."""
    m = folium.Map(tiles=None)
    localize(m)
    localize(m)
    assert dict(m.default_js)["leaflet"] == "/static/vendor/leaflet/dist/leaflet.js"


def test_unvendored_plugin_is_refused() -> None:
    """A plugin whose library we have not vendored fails loudly, naming the URL."""
    m = folium.Map(tiles=None)
    Fullscreen().add_to(m)
    with pytest.raises(UnvendoredAssetError, match="leaflet.fullscreen"):
        localize(m)


def test_local_url_of_unknown_cdn_url_raises() -> None:
    """local_url does not guess a path for a URL that is not in the table."""
    with pytest.raises(KeyError):
        local_url("https://unpkg.com/something@1.0.0/x.js")
    assert local_url("/static/own.js") == "/static/own.js"


@pytest.mark.parametrize(
    ("snippet", "found"),
    [
        ('<script src="https://cdn.example/x.js"></script>', ["https://cdn.example/x.js"]),
        ("<link rel='stylesheet' href='//cdn.example/x.css'/>", ["//cdn.example/x.css"]),
        ('<img alt="" src=http://x.example/a.png>', ["http://x.example/a.png"]),
        ('<style>.a{background:url("https://x.example/b.png")}</style>',
         ["https://x.example/b.png"]),
        ("<style>@import 'https://x.example/c.css';</style>", ["https://x.example/c.css"]),
        ('<a href="https://www.openstreetmap.org/copyright">OSM</a>', []),
        ('<script src="/static/vendor/leaflet/dist/leaflet.js"></script>', []),
        ('<link rel="stylesheet" href="css/local.css"/>', []),
    ],
)
def test_external_references(snippet: str, found: list[str]) -> None:
    """Fetching tags and CSS count; plain links and local paths do not."""
    assert external_references(snippet) == found


def test_assert_offline_rejects_a_plain_folium_page() -> None:
    """folium's own output is caught by the offline check."""
    with pytest.raises(ExternalAssetError) as info:
        assert_offline(folium.Map(tiles=None).get_root().render())
    assert any("leaflet" in ref for ref in info.value.references)
