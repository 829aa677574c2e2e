"""How a page gets our browser code: one ES module, the page's entry, which imports the rest.

Each page names its entry (``maps/static/js/<entry>.js``); the browser follows the entry's
``import`` statements, so the Python side never lists helpers or their order, and no script puts
a name on ``window``. Module scripts run once the page is parsed, after Folium's inline script
has built the map, which is when our code looks the map up.

A page written to disk (the public map's export) cannot load modules: browsers refuse module
requests from ``file://``. There the entry and its imports go into the page as one classic
script (:func:`maps.pages.script_bundle.classic_bundle`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any, Final

from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin

from maps.pages.script_bundle import classic_bundle

__all__ = ["ENTRY_HEADER_NAME", "PageScript", "module_tag"]

#: The header slot of the page's entry: every element of a page names the same one, so the page
#: links a single entry however many of its elements need it.
ENTRY_HEADER_NAME: Final = "glonass_entry_module"


def module_tag(url: str) -> str:
    """The ``<script type="module">`` that loads the entry at ``url``."""
    return f'<script type="module" src="{html.escape(url)}"></script>'


class PageScript(JSCSSMixin, MacroElement):
    """Links the page's entry module, vendored libraries it needs, and our stylesheets.

    ``entry`` None links no script (the app bar, the neutral basemap: the page's entry imports
    what draws them). ``inline`` puts the entry and its imports in the page as one classic
    script, for a page opened from disk. Instance lists (not folium's class-level ones), so one
    page's prefix never leaks into another page rendered in the same process.
    """

    def __init__(self, *, entry: str | None, styles: Sequence[str], asset_prefix: str,
                 libraries: Sequence[tuple[str, str]] = (), inline: bool = False) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        prefix = asset_prefix.rstrip("/")
        self.entry = entry
        self.scripts_url = f"{prefix}/js"
        self.inline = inline
        self.default_js = list(libraries)
        self.default_css = [(f"glonass_{s}_css", f"{prefix}/css/{s}.css") for s in styles]

    # branca types Element.render as returning the HTML; MacroElement's returns nothing
    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        if self.entry is not None:
            figure = self.get_root()
            assert isinstance(figure, Figure)  # folium renders elements inside their figure
            tag = (f"<script>{classic_bundle(self.entry)}</script>" if self.inline
                   else module_tag(f"{self.scripts_url}/{self.entry}.js"))
            figure.header.add_child(Element(tag), name=ENTRY_HEADER_NAME)
        super().render(**kwargs)  # type: ignore[no-untyped-call]
