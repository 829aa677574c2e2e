"""Our browser scripts (``maps/static/js``) are ES modules, and every page links one of them.

Shared code travels by ``import``, so no script puts a name on ``window``; each page links its
entry as ``<script type="module">`` and the browser follows the entry's imports. The module
form the public export's bundler reads (:mod:`maps.pages.script_bundle`) is checked here on
every file, with every import resolved against the exports of the module it names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

import pytest

from maps.api.public_layers import DEFAULT_BAND_HOURS, DEFAULT_WINDOW_H, service_bands
from maps.assets import STATIC_DIR
from maps.pages.audit import render_audit_page
from maps.pages.coverage_map import render_coverage_page
from maps.pages.editor import render_editor_page
from maps.pages.events import render_events_page
from maps.pages.live_map import render_live_map
from maps.pages.playback import render_playback_page
from maps.pages.public_map import render_public_map
from maps.pages.script_bundle import module_graph
from maps.pages.storm_room import render_storm_room_page
from maps.pages.storms import render_storms_page
from maps.pages.terminals import render_terminals_page
from maps.pages.users import render_users_page
from maps.pages.vehicles import render_vehicles_page

SCRIPTS: Final = sorted((STATIC_DIR / "js").glob("*.js"))
WINDOW_ASSIGNMENT = re.compile(r"\b(?:window|global|globalThis)\.(\w+)\s*=[^=]")
CLASSIC_WRAPPER = re.compile(r"^\(function\b", re.M)
OUR_SCRIPT_TAG = re.compile(r"<script\b[^>]*\bsrc=\"(?![^\"]*/vendor/)[^\"]*/js/[^\"]*\"[^>]*>")

#: Every page and the entry module it must link.
PAGES: Final[dict[str, tuple[Callable[[], str], str]]] = {
    "live": (lambda: render_live_map(tile_url=None, app_bar=True), "live_map"),
    "editor": (render_editor_page, "editor"),
    "coverage": (render_coverage_page, "coverage_map"),
    "playback": (render_playback_page, "playback"),
    "storm": (render_storm_room_page, "storm_room"),
    "public": (lambda: render_public_map(service_bands(DEFAULT_BAND_HOURS, DEFAULT_WINDOW_H),
                                         data_url="/public/data/map.json"), "public_map"),
    "storms": (lambda: render_storms_page("Asia/Vladivostok"), "storms"),
    "events": (lambda: render_events_page("Asia/Vladivostok"), "events"),
    "terminals": (render_terminals_page, "terminals"),
    "users": (render_users_page, "users"),
    "vehicles": (render_vehicles_page, "vehicles"),
    "audit": (render_audit_page, "audit"),
}


def test_no_script_sets_a_window_name() -> None:
    assigned = {f"{script.name}: {name}" for script in SCRIPTS
                for name in WINDOW_ASSIGNMENT.findall(script.read_text(encoding="utf-8"))}
    assert assigned == set()


def test_no_script_is_a_classic_wrapper() -> None:
    """A module's top level is its own; the classic ``(function () {…}())`` is not needed."""
    wrapped = [s.name for s in SCRIPTS if CLASSIC_WRAPPER.search(s.read_text(encoding="utf-8"))]
    assert wrapped == []


@pytest.mark.parametrize("script", [s.stem for s in SCRIPTS])
def test_every_module_and_its_imports_resolve(script: str) -> None:
    """Each file keeps to the bundler's form, imports only files that exist and names they
    export, and sits in no import cycle."""
    graph = module_graph(script)
    assert graph[-1].name == script
    assert len({m.name for m in graph}) == len(graph)


def test_every_imported_name_is_used() -> None:
    """An import nothing reads is dead code that still costs a request."""
    unused = {f"{module.name}.js: {name}" for script in SCRIPTS
              for module in module_graph(script.stem)[-1:]
              for imp in module.imports
              for name in (*imp.bindings, *([imp.namespace] if imp.namespace else []))
              if name not in module.exports.values()  # passed on to importers
              and not re.search(rf"(?<![\w.]){name}\b", module.body)}
    assert unused == set()


@pytest.mark.parametrize("key", sorted(PAGES))
def test_each_page_links_exactly_its_entry_as_a_module(key: str) -> None:
    render, entry = PAGES[key]
    tags = OUR_SCRIPT_TAG.findall(render())
    assert len(tags) == 1, tags
    assert re.fullmatch(rf'<script type="module" src="[^"]*/js/{entry}\.js">', tags[0])


def test_every_module_is_reached_from_some_page() -> None:
    """No file in the folder is left over: each is a page's entry or imported by one."""
    reached = {m.name for _render, entry in PAGES.values() for m in module_graph(entry)}
    assert reached == {s.stem for s in SCRIPTS}


def test_only_the_api_helper_fetches() -> None:
    """Every request goes through pages.js (Accept, CSRF, the Russian error); no script calls
    fetch or XMLHttpRequest itself."""
    callers = {s.name for s in SCRIPTS
               if re.search(r"\bfetch\(|XMLHttpRequest", s.read_text(encoding="utf-8"))}
    assert callers == {"pages.js"}
