"""The HTML pages: the live map, the dispatcher's and admins' pages, the public map, the act.

Most pages are a folium map rendered once at start-up (``render_*`` returns the HTML string that
:class:`maps.served.HtmlPage` serves), with every script and stylesheet from our own static
folder. Python decides what is on a page and passes configuration as JSON; the behaviour lives
in ``maps/static/js``, so such a page costs nothing per request and works with no network at
all. ``chrome`` is what every page shares, ``plain`` the card of sign-in and refusals, ``forms``
the side panels' fields, ``live_layers`` the live map's layers, ``live_panels`` and
``live_legend`` its boxes, ``page_script`` how a page links its one entry module (and
``script_bundle`` how the exported public map carries its modules as one script). Two pages
read storage per request through ``db``: the storm act
(``storms``) and the retranslation console (``delivery``); the others get their data from the
API in the browser.
May import ``db``, ``dispatch``, the model and the rest of ``maps`` below ``url_table`` and
``web``.
"""
