"""What every dispatcher page shares: the title bar with navigation and sign-in, the map frame.

The bar is plain HTML in the page (so it reads the same with scripts off), and ``pages.js``
fills in who is signed in from ``GET /api/session``: a "Войти" link back to this page, or the
user's name and role with a "Выйти" button that posts the CSRF token to ``/logout``. Pages that
write ask the same script whether the user may edit; the server's gate is what enforces it.

The map sits under the bar and, on pages with a side panel, left of it; both are positioned by
``app.css`` from two CSS variables set here, so Leaflet measures the right size on its first
layout instead of being told later.
"""

from __future__ import annotations

import html
import json
from typing import Any, Final

import folium
from branca.element import Element, Figure
from folium.template import Template

from maps.assets import DEFAULT_PREFIX, assert_offline, localize
from maps.pages.live_layers import NeutralBasemap
from maps.pages.live_map import DEFAULT_CENTER, OSM_ATTRIBUTION
from maps.pages.page_script import PageScript, module_tag

__all__ = [
    "APPBAR_HEIGHT_PX",
    "EDITOR_ROLES",
    "NAV",
    "ROLE_LABELS",
    "AppBar",
    "app_page",
    "finish_page",
    "json_attribute",
    "page_map",
]

#: (key, path, label) of every page in the bar, in the order a dispatcher's day uses them.
NAV: Final = (
    ("live", "/", "Техника на линии"),
    ("editor", "/editor", "Маршруты и отметки"),
    ("coverage", "/coverage", "Уборка улиц"),
    ("playback", "/playback", "Треки"),
    ("storms", "/storms", "Снегопады"),
    ("storm", "/storm", "Сроки уборки"),
    ("events", "/events", "Тревоги"),
)
ROLE_LABELS: Final = {"auditor": "аудитор", "dispatcher": "диспетчер", "admin": "администратор"}
#: Roles the server lets write (maps.auth.access: EDITOR and above).
EDITOR_ROLES: Final = ("dispatcher", "admin")
#: Pages only admins may open; the bar shows their links to admins only.
ADMIN_NAV: Final = (("/admin/vehicles", "Машины"), ("/admin/terminals", "Терминалы"),
                    ("/admin/delivery", "Ретрансляция"), ("/admin/users", "Пользователи"),
                    ("/admin/audit", "Журнал действий"))
APPBAR_HEIGHT_PX: Final = 48
BRAND: Final = "Диспетчерская ЖКХ · Комсомольск-на-Амуре"


class AppBar(PageScript):
    """The bar across the top: brand, page links (the current one marked) and the session box.

    It links only its stylesheet: ``pages.js``, which every page's entry imports, fills it in.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            {{ this.markup }}
        {% endmacro %}
        """
    )

    def __init__(self, *, active: str, session_url: str | None, asset_prefix: str,
                 side_width_px: int = 0) -> None:
        super().__init__(entry=None, styles=["app"], asset_prefix=asset_prefix)
        self._name = "AppBar"
        self.markup = appbar_html(self.get_name(), active, asset_prefix, side_width_px,
                                  session_url)


def appbar_config(session_url: str | None) -> dict[str, Any]:
    """What ``pages.js`` fills the bar from (its ``data-appbar``): where to ask who is signed
    in, labels, admin links."""
    return {"sessionUrl": session_url, "loginUrl": "/login", "logoutUrl": "/logout",
            "roles": ROLE_LABELS, "editorRoles": list(EDITOR_ROLES), "adminLinks": ADMIN_NAV}


def alerts_badge_html() -> str:
    """The live map's link to ``/events`` with the count of unacknowledged alerts, which
    ``alerts_badge.js`` (imported by the live map's entry) keeps up to date (hidden until it
    has asked)."""
    return ('<a class="gd-alerts-badge" href="/events" data-alerts-badge hidden'
            ' data-url="/api/alerts?acknowledged=no&amp;limit=0" data-poll-s="30">'
            'Тревоги <span class="gd-alerts-count" data-alerts-count></span></a>')


def appbar_html(element_id: str, active: str, asset_prefix: str, side_width_px: int,
                session_url: str | None) -> str:
    """The bar's markup plus the two layout variables ``app.css`` places the map with; on the
    live map, the alerts badge. ``pages.js`` finds the bar by its ``data-appbar`` and fills in
    the session itself, so no inline script has to call it at a particular moment."""
    links = "".join(
        f'<a href="{html.escape(path)}"'
        + (' aria-current="page" class="gd-nav-active"' if key == active else "")
        + f">{html.escape(label)}</a>"
        for key, path, label in NAV
    )
    icon = html.escape(f"{asset_prefix.rstrip('/')}/img/favicon.svg")
    return (
        f"<style>:root{{--gd-appbar-h:{APPBAR_HEIGHT_PX}px;--gd-side-w:{side_width_px}px}}"
        "</style>"
        f'<header class="gd-appbar" id="{html.escape(element_id)}"'
        f' data-appbar="{json_attribute(appbar_config(session_url))}">'
        f'<a class="gd-brand" href="/"><img src="{icon}" alt="" width="22" height="22">'
        f"<span>{'<br>'.join(html.escape(part) for part in BRAND.split(' · '))}</span></a>"
        f'<nav class="gd-nav" aria-label="Разделы">{links}</nav>'
        + (alerts_badge_html() if active == "live" else "") +
        '<div class="gd-session" data-session aria-live="polite">'
        '<span class="gd-session-user">…</span></div></header>'
    )


def page_map(*, title: str, active: str, center: tuple[float, float] = DEFAULT_CENTER,
             zoom: int = 12, tile_url: str | None = None,
             tile_attribution: str = OSM_ATTRIBUTION, session_url: str | None = "/api/session",
             side_width_px: int = 0, asset_prefix: str = "/static",
             app_bar: bool = True) -> folium.Map:
    """An empty page map with title, icon, app bar (unless left out: the public page has no
    staff navigation) and a basemap (tiles or the neutral grid)."""
    fmap = folium.Map(location=list(center), zoom_start=zoom, tiles=None,
                      control_scale=False)
    figure = fmap.get_root()
    assert isinstance(figure, Figure)  # a new Map always sits in its own Figure
    figure.header.add_child(Element(f"<title>{html.escape(title)}</title>"), name="page_title")
    figure.header.add_child(Element('<meta name="color-scheme" content="light">'),
                            name="color_scheme")
    favicon = html.escape(f"{asset_prefix.rstrip('/')}/img/favicon.svg")
    figure.header.add_child(
        Element(f'<link rel="icon" type="image/svg+xml" href="{favicon}"/>'), name="favicon")
    if tile_url:
        folium.TileLayer(tiles=tile_url, attr=tile_attribution, name="Подложка", max_zoom=19,
                         control=False).add_to(fmap)
    else:
        NeutralBasemap(asset_prefix=asset_prefix).add_to(fmap)
    if app_bar:
        AppBar(active=active, session_url=session_url, asset_prefix=asset_prefix,
               side_width_px=side_width_px).add_to(fmap)
    return fmap


def finish_page(fmap: folium.Map, *, static_prefix: str = DEFAULT_PREFIX) -> str:
    """Point every library at the vendored copies, render, and refuse any external asset."""
    localize(fmap, prefix=static_prefix)
    page: str = fmap.get_root().render()
    return assert_offline(page)


def app_page(*, title: str, active: str, body_html: str, script: str = "pages",
             config: dict[str, Any] | None = None, refresh_s: int | None = None) -> str:
    """A page without a map under the same bar: tables and forms (``admin.css``).

    ``body_html`` must already be escaped; ``script`` is the page's entry module (a page with
    no script of its own still gets ``pages.js``, which fills in the bar); ``config`` reaches
    it as ``<main data-page-config>`` (``pages.js`` ``pageConfig()``); ``refresh_s`` reloads
    the page that often (a console of figures).
    """
    refresh = "" if refresh_s is None else f'<meta http-equiv="refresh" content="{refresh_s}">'
    return f"""<!doctype html><html lang="ru"><head><meta charset="utf-8">{refresh}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · {html.escape(BRAND)}</title>
<link rel="icon" type="image/svg+xml" href="/static/img/favicon.svg">
<link rel="stylesheet" href="/static/css/app.css">
<link rel="stylesheet" href="/static/css/admin.css">
{module_tag(f"/static/js/{script}.js")}
</head><body class="gd-plain">
{appbar_html("gd-appbar", active, "/static", 0, "/api/session")}
<main data-page-config="{json_attribute(config or {})}">{body_html}</main>
</body></html>"""


def json_attribute(value: Any) -> str:
    """JSON for a double-quoted HTML attribute, read back with ``JSON.parse(el.dataset.…)``."""
    return html.escape(json.dumps(value, ensure_ascii=False), quote=True)
