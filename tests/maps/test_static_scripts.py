"""Our browser scripts (``maps/static/js``): which names they put on ``window``.

Shared code travels by ``import``; a script that sets a page-wide name is a classic script
not yet turned into a module, and each is listed here so the list only ever shrinks.
"""

from __future__ import annotations

import re
from typing import Final

from maps.assets import STATIC_DIR
from maps.pages.live_map import render_live_map
from maps.pages.storms import render_storms_page

#: Names classic scripts still set on ``window`` for the scripts and inline code after them.
STILL_GLOBAL: Final = frozenset({
    "GlonassCoverageEvidence", "GlonassDom", "GlonassEditorBin", "GlonassEditorMarks",
    "GlonassEditorRoutes", "GlonassEditorUpload", "GlonassLiveContext", "GlonassLiveFleet",
    "GlonassLiveMapUtil", "GlonassLiveVehiclePanel", "GlonassPages",
    "GlonassRegistry", "GlonassTrack", "GlonassTransitLayer",
})
SCRIPTS: Final = sorted((STATIC_DIR / "js").glob("*.js"))
WINDOW_ASSIGNMENT = re.compile(r"\b(?:window|global|globalThis)\.(\w+)\s*=[^=]")
TOP_LEVEL_DECLARATION = re.compile(r"^(?:var|let|const|function|class)\s+(\w+)", re.M)
MODULE_TAG = re.compile(r'<script type="module" src="/static/js/(\w+)\.js">')


def test_scripts_set_only_the_listed_window_names() -> None:
    """A new page-wide name fails here; so does a listed one no script sets any more."""
    assigned = {name for script in SCRIPTS
                for name in WINDOW_ASSIGNMENT.findall(script.read_text(encoding="utf-8"))}
    assert assigned == STILL_GLOBAL


def test_only_modules_declare_at_the_top_level() -> None:
    """In a classic script a top-level ``var``/``function`` is a page-wide name; a module's
    are its own."""
    modules = {name for page in (render_live_map(tile_url=None, app_bar=True),
                                 render_storms_page("Asia/Vladivostok"))
               for name in MODULE_TAG.findall(page)}
    assert "alerts_badge" in modules
    declared = {f"{script.name}: {name}" for script in SCRIPTS if script.stem not in modules
                for name in TOP_LEVEL_DECLARATION.findall(script.read_text(encoding="utf-8"))}
    assert declared == set()

