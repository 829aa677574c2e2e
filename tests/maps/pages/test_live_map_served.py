"""The live map as served by ``glonass-dispatch serve``: a fix sent over EGTS shows up on it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.conftest import Served
from tests.egts_terminal import EgtsTerminal
from tests.maps.pages.live_city import MARKER


def test_marker_appears_after_a_terminal_sends_a_fix(server: Served, page: Any,
                                                     page_log: Any) -> None:
    """The page loads from localhost only; a new terminal's fix becomes a marker within a poll."""
    page.goto(server.base_url + "/")
    page.wait_for_selector(".leaflet-container")
    assert page.locator(MARKER).count() == 0

    terminal = EgtsTerminal(server.egts_port)
    terminal.login(555123, b"356938035643809")
    now = datetime.now(UTC).replace(microsecond=0)
    terminal.send_fixes(555123, [{"time": now, "lat": 50.5502, "lon": 137.0104,
                                  "speed_kmh": 21.5, "course": 300, "mv": True}])
    assert terminal.read_reply().pr == 0
    terminal.close()

    page.wait_for_selector(MARKER, timeout=15_000)
    assert page.locator(MARKER).count() == 1
    assert page_log.external() == []
    assert page_log.failed == [] and page_log.page_errors == []
