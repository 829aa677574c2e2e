"""The dispatcher's working pages beside the live map: route and mark editor, coverage, playback.

Each page is a folium map rendered once at start-up (``render_*_page`` returns the HTML string
that :class:`maps.web.HtmlPage` serves), with every script and stylesheet from our own static
folder. Python decides what is on a page and passes configuration as JSON; the behaviour lives
in ``maps/static/js`` (one file per page, the editor's two tabs in files of their own, plus the
shared ``pages.js`` and ``track.js``), so a page costs nothing per request and works with no
network at all. Pages import the rest of ``maps`` and ``dispatch``'s vocabularies; never ``db``:
what a page shows comes from the API in the browser.
"""

from maps.pages.coverage_map import render_coverage_page
from maps.pages.editor import render_editor_page
from maps.pages.playback import render_playback_page

__all__ = ["render_coverage_page", "render_editor_page", "render_playback_page"]
