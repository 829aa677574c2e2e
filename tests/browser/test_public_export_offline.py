"""The exported public site in a real browser, opened from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_public_export import export, prepare

pytestmark = pytest.mark.postgis


@pytest.mark.browser
def test_exported_site_opens_from_disk_offline(dsn: str, tmp_path: Path, page: Any,
                                               page_log: Any) -> None:
    """index.html opened from disk shows the vehicle, mark and route with no network at all."""
    prepare(dsn)
    export(dsn, tmp_path / "site")
    page.goto((tmp_path / "site" / "index.html").as_uri())
    page.wait_for_selector(".leaflet-interactive", timeout=10_000)
    assert page.locator("path.leaflet-interactive").count() >= 3  # route + 2 circle markers
    assert page_log.external() == [] and page_log.page_errors == []
