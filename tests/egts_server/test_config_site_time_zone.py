"""``[site] time_zone`` is the one setting: a served instance configured for Moscow shows and
reads every time in Moscow time, in pages, the API's local readings and downloads."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Served, start_server, stop_server
from tests.maps.auth.test_sign_in import add_user, call, sign_in


@pytest.fixture()
def moscow(dsn: str, tmp_path: Path) -> Iterator[Served]:
    add_user(dsn, "ivanova", "zima-2026!", "dispatcher")
    served = start_server(dsn, tmp_path, '[site]\ntime_zone = "Europe/Moscow"\n')
    yield served
    stop_server(served)


def test_a_moscow_site_speaks_moscow_time(moscow: Served) -> None:
    auth = sign_in(moscow, "ivanova", "zima-2026!")
    for path in ("/", "/coverage", "/playback", "/editor", "/storms"):
        status, _, raw = call(moscow, "GET", path, headers=auth)
        # the zone travels in an inline script's JSON or in a data attribute's
        page = html.unescape(raw.decode("utf-8"))
        assert status == 200 and re.search(r'"timeZone": ?"Europe/Moscow"', page), path
    status, _, raw = call(moscow, "POST", "/api/storms",
                          {"name": "Метель", "started_at": "2026-12-05T08:00"}, headers=auth)
    assert status == 201
    assert json.loads(raw)["started_at"] == "2026-12-05T05:00:00+00:00"  # 08:00 at +03:00
    status, headers, raw = call(moscow, "GET", "/api/coverage?from=2026-12-05T08:00"
                                "&to=2026-12-05T09:00&format=csv", headers=auth)
    assert status == 200
    assert headers["Content-Disposition"] == (
        'attachment; filename="coverage-20261205-0800-20261205-0900.csv"')
    assert raw.decode("utf-8").startswith(
        "\ufeffпараметр;значение\r\nокно с;05.12.2026 08:00 (+03:00)\r\n")
    mark = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [137.01, 50.55]},
            "properties": {"layer": "road_state", "text": "гололёд",
                           "valid_to": "2026-12-05T12:00"}}
    status, _, raw = call(moscow, "POST", "/api/marks", mark, headers=auth)
    assert status == 201
    assert json.loads(raw)["properties"]["valid_to"] == "2026-12-05T09:00:00+00:00"
