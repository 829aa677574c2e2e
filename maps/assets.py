"""Serve every browser library from our own static folder instead of folium's CDN links.

Folium renders ``<script src>``/``<link href>`` tags that point at public CDNs. The dispatch
centre's network may not reach them, a CDN outage must not blank the dispatcher's screen, and the
tests run with no network at all. So each CDN URL folium knows about maps to one file that
``python -m maps.vendor`` copied from the npm registry into ``maps/static/vendor``, and
:func:`localize` rewrites a map's element tree to point there before it is rendered.

The table is keyed by the exact CDN URL, not by folium's link name: if a folium upgrade moves to a
new library version the URL changes, :func:`localize` raises :class:`UnvendoredAssetError`, and we
re-vendor the matching version instead of silently serving the old one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from branca.element import Element

__all__ = [
    "ASSETS",
    "DEFAULT_PREFIX",
    "STATIC_DIR",
    "VENDOR_DIR",
    "ExternalAssetError",
    "UnvendoredAssetError",
    "VendoredAsset",
    "assert_offline",
    "external_references",
    "local_url",
    "localize",
]

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
VENDOR_DIR: Final = STATIC_DIR / "vendor"
DEFAULT_PREFIX: Final = "/static/vendor"


@dataclass(frozen=True, slots=True)
class VendoredAsset:
    """One file a folium element links to, and where its vendored copy lives.

    ``package`` is the dependency name in the top-level package.json (``bootstrap3`` is an npm
    alias), ``source`` the file inside that package, and ``target`` the path under
    ``VENDOR_DIR`` (and under the URL prefix). ``derive`` names a transformation in
    ``maps.vendor`` for files npm does not ship as such; ``note`` says why a version differs from
    the one in the CDN URL.
    """

    cdn_url: str
    package: str
    source: str
    target: str
    derive: str | None = None
    note: str = ""


def _npm(cdn_url: str, package: str, source: str, note: str = "") -> VendoredAsset:
    """An asset copied byte for byte, kept at its path inside the package."""
    return VendoredAsset(cdn_url, package, source, f"{package}/{source}", note=note)


_JSDELIVR: Final = "https://cdn.jsdelivr.net/npm"
_CDNJS: Final = "https://cdnjs.cloudflare.com/ajax/libs"

#: Everything folium 0.20's Map and the plugins we use link to. Extend it (and package.json)
#: when a page starts using another plugin; ``localize`` tells you which URL is missing.
ASSETS: Final[tuple[VendoredAsset, ...]] = (
    # folium.Map: scripts
    _npm(f"{_JSDELIVR}/leaflet@1.9.3/dist/leaflet.js", "leaflet", "dist/leaflet.js"),
    _npm("https://code.jquery.com/jquery-3.7.1.min.js", "jquery", "dist/jquery.min.js"),
    _npm(f"{_JSDELIVR}/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",
         "bootstrap", "dist/js/bootstrap.bundle.min.js"),
    _npm(f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js",
         "leaflet.awesome-markers", "dist/leaflet.awesome-markers.js",
         note="2.0.2 is not on npm; 2.0.5 is the same plugin with packaging fixes"),
    # folium.Map: stylesheets
    _npm(f"{_JSDELIVR}/leaflet@1.9.3/dist/leaflet.css", "leaflet", "dist/leaflet.css"),
    _npm(f"{_JSDELIVR}/bootstrap@5.2.2/dist/css/bootstrap.min.css",
         "bootstrap", "dist/css/bootstrap.min.css"),
    VendoredAsset(
        "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",
        "bootstrap3", "dist/css/bootstrap.css", "bootstrap3/dist/css/glyphicons.css",
        derive="glyphicons",
        note="only the Glyphicons rules of Bootstrap 3.4.1, so folium.Icon's default "
             "prefix works without pulling Bootstrap 3 over Bootstrap 5",
    ),
    _npm(f"{_JSDELIVR}/@fortawesome/fontawesome-free@6.2.0/css/all.min.css",
         "@fortawesome/fontawesome-free", "css/all.min.css"),
    _npm(f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css",
         "leaflet.awesome-markers", "dist/leaflet.awesome-markers.css",
         note="see the script entry"),
    VendoredAsset(
        "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
        "leaflet.awesome.rotate.min.css",
        "", "", "folium-compat/awesome-rotate.css",
        derive="awesome_rotate",
        note="folium serves this from its git repository, not a package; we generate the "
             "same .fa-rotate-<deg> classes",
    ),
    # folium.plugins.Realtime
    _npm(f"{_CDNJS}/leaflet-realtime/2.2.0/leaflet-realtime.js",
         "leaflet-realtime", "dist/leaflet-realtime.js"),
    # folium.plugins.MarkerCluster (the live map's vehicles at low zoom)
    _npm(f"{_CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js",
         "leaflet.markercluster", "dist/leaflet.markercluster.js"),
    _npm(f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css",
         "leaflet.markercluster", "dist/MarkerCluster.css"),
    _npm(f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css",
         "leaflet.markercluster", "dist/MarkerCluster.Default.css"),
    # folium.plugins.Draw (the route editor)
    _npm(f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.js", "leaflet-draw", "dist/leaflet.draw.js"),
    _npm(f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.css", "leaflet-draw", "dist/leaflet.draw.css"),
)

_BY_URL: Final[Mapping[str, VendoredAsset]] = {a.cdn_url: a for a in ASSETS}


class UnvendoredAssetError(LookupError):
    """An element links to a CDN file that is not in :data:`ASSETS`.

    Raised at render time rather than letting the page reach for the internet, because a
    dispatcher's map that silently depends on a CDN fails exactly when the network does.
    """

    def __init__(self, element: str, name: str, url: str) -> None:
        super().__init__(
            f"{element} links {name!r} to {url}, which is not vendored: add it to "
            "maps.assets.ASSETS and package.json, then run `python -m maps.vendor`"
        )
        self.element, self.name, self.url = element, name, url


class ExternalAssetError(ValueError):
    """Rendered HTML still references an asset outside our server."""

    def __init__(self, references: list[str]) -> None:
        super().__init__("page references external assets: " + ", ".join(references))
        self.references = references


def local_url(cdn_url: str, prefix: str = DEFAULT_PREFIX) -> str:
    """The URL under ``prefix`` that serves the vendored copy of ``cdn_url``.

    URLs that are already local (relative, or absolute paths on our server) pass through
    unchanged, so localizing twice, or an element we pointed at our own files, is harmless.
    """
    if not _is_external(cdn_url):
        return cdn_url
    asset = _BY_URL.get(cdn_url)
    if asset is None:
        raise KeyError(cdn_url)
    return f"{prefix.rstrip('/')}/{asset.target}"


def _is_external(url: str) -> bool:
    return bool(re.match(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", url, re.IGNORECASE))


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def localize(root: Element, *, prefix: str = DEFAULT_PREFIX) -> None:
    """Point every script and stylesheet link in ``root``'s tree at the vendored copies.

    Works on the whole tree (pass the Map or its Figure) after all layers and plugins have been
    added. The new lists are set on each instance: folium's ``add_js_link`` edits the class-level
    list in place, which would leak one page's prefix into every other map in the process.
    """
    for element in _walk(root):
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if not links:
                continue
            rewritten: list[tuple[str, str]] = []
            for name, url in links:
                try:
                    rewritten.append((name, local_url(url, prefix)))
                except KeyError:
                    raise UnvendoredAssetError(type(element).__name__, name, url) from None
            setattr(element, attr, rewritten)


# Tags whose src/href the browser fetches by itself (an <a href> is a link, not an asset), and
# CSS url(...) / @import, each with single, double or no quotes.
_REFERENCE = re.compile(
    r"""<(?:script|link|img|iframe|source|audio|video|embed|track|input)\b[^>]*?"""
    r"""\b(?:src|href|srcset)\s*=\s*["']?([^"'\s>]+)"""
    r"""|url\(\s*["']?([^"')\s]+)"""
    r"""|@import\s+["']([^"']+)""",
    re.IGNORECASE,
)


def external_references(html: str) -> list[str]:
    """Every asset ``html`` makes the browser fetch from outside our server.

    Counts ``src``/``href`` of fetching tags, CSS ``url()`` and ``@import``. Tile URL templates
    are not among them: Leaflet builds tile requests in JavaScript, and the tile source is a
    deployment choice (see ``render_live_map(tile_url=...)``).
    """
    found = (next(g for g in m.groups() if g) for m in _REFERENCE.finditer(html))
    return [url for url in found if _is_external(url)]


def assert_offline(html: str) -> str:
    """Return ``html`` unchanged, or raise :class:`ExternalAssetError` naming what leaks.

    A last check after rendering, because elements may add links during ``render()`` that
    :func:`localize` cannot see beforehand.
    """
    refs = external_references(html)
    if refs:
        raise ExternalAssetError(refs)
    return html
