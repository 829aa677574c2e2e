"""Fixtures of the live map's browser tests: the canned API answers (fresh copies that a test
may change between polls) and the page opened on them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from maps.pages.live_map import render_live_map
from tests.maps.pages.live_city import MARKS, POLL_S, ROUTES, VEHICLES, open_city


@pytest.fixture
def api() -> dict[str, Any]:
    """The canned ``/api/vehicles`` answer; tests mutate it between polls."""
    return copy.deepcopy(VEHICLES)


@pytest.fixture
def routes_api() -> dict[str, Any]:
    """The canned ``/api/routes`` answer."""
    return copy.deepcopy(ROUTES)


@pytest.fixture
def marks_api() -> dict[str, Any]:
    """The canned ``/api/marks`` answer."""
    return copy.deepcopy(MARKS)


@pytest.fixture
def live_page(local_site: Any, page: Any, api: dict[str, Any], routes_api: dict[str, Any],
              marks_api: dict[str, Any]) -> Any:
    """The rendered page served with maps/static and the canned APIs, opened, all drawn."""
    return open_city(local_site, page, render_live_map(tile_url=None, poll_interval_s=POLL_S),
                     api, routes_api, marks_api)
