"""Helpers for browser tests of the served dispatcher pages: users, sign-in, API calls, fixes."""

from __future__ import annotations

import json
from typing import Any

import psycopg2

from db import terminals as terminal_registry
from db import vehicles as vehicle_registry
from tests.conftest import Served
from tests.maps.auth.test_sign_in import add_user, call, sign_in

ADMIN = ("admin", "admin-2026!")
DISPATCHER = ("ivanova", "zima-2026!")
AUDITOR = ("petrov", "audit-2026!")
# The folium map object of a page: a global named map_<hash>.
MAP_JS = "window[Object.keys(window).find(k => k.startsWith('map_'))]"


def add_staff(served: Served) -> None:
    """A dispatcher and an auditor, added through the CLI as an administrator would."""
    add_user(served.dsn, *DISPATCHER, "dispatcher")
    add_user(served.dsn, *AUDITOR, "auditor")


def sign_in_page(page: Any, served: Served, next_path: str,
                 who: tuple[str, str] = DISPATCHER) -> None:
    """Sign in through the login form, which sends the browser on to ``next_path``."""
    page.goto(f"{served.base_url}/login?next={next_path}")
    page.fill("input[name=login]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("button[type=submit]")
    page.wait_for_url(served.base_url + next_path)


def api_get(served: Served, path: str) -> Any:
    status, _, body = call(served, "GET", path, headers=sign_in(served, *DISPATCHER))
    assert status == 200, body
    return json.loads(body)


def api(served: Served, method: str, path: str, auth: dict[str, str] | None,
        body: Any = None) -> tuple[int, Any]:
    """(status, JSON body or None) of one API call in the session ``auth`` (None: a visitor)."""
    status, _, raw = call(served, method, path, body, headers=auth)
    return status, json.loads(raw) if raw else None


def api_post(served: Served, path: str, body: Any) -> Any:
    status, _, raw = call(served, "POST", path, body, headers=sign_in(served, *DISPATCHER))
    assert status == 201, raw
    return json.loads(raw)


def register_plough(served: Served, tid: int, name: str, contractor: str | None = None) -> int:
    """A plough with its blade on digital input 1 and its EGTS terminal ``tid``."""
    with psycopg2.connect(served.dsn) as conn, conn.cursor() as cur:
        vehicle_id: int = vehicle_registry.add_vehicle(cur, name, "plow", None, contractor,
                                                       equipment_input=1)
        terminal_registry.add_terminal(cur, "egts", str(tid), None, vehicle_id)
    conn.close()
    return vehicle_id


def map_box(page: Any) -> dict[str, float]:
    box: dict[str, float] = page.locator(".folium-map").bounding_box()
    return box


def screen_point(page: Any, lat: float, lon: float) -> tuple[float, float]:
    """Where ``(lat, lon)`` is on the screen right now."""
    point = page.evaluate(f"([lat, lon]) => {{ const m = {MAP_JS}, p = m.latLngToContainerPoint("
                          "[lat, lon]), r = m.getContainer().getBoundingClientRect();"
                          " return [r.left + p.x, r.top + p.y]; }", [lat, lon])
    return float(point[0]), float(point[1])


def point_on_path(path: Any, fraction: float = 0.5) -> tuple[float, float]:
    """The screen point at ``fraction`` of an SVG path's length (its box centre may be off it)."""
    point = path.evaluate(
        """(p, f) => {
            const pt = p.getPointAtLength(p.getTotalLength() * f), m = p.getScreenCTM();
            return [m.a * pt.x + m.c * pt.y + m.e, m.b * pt.x + m.d * pt.y + m.f];
        }""", fraction)
    return float(point[0]), float(point[1])


def field_error(form: Any, name: str) -> str:
    """The message in the field's error slot, once the field is marked invalid."""
    form.locator(f'[data-field="{name}"].gd-invalid').wait_for()
    text: str = form.locator(f'[data-field="{name}"] [data-error]').inner_text()
    return text
