"""``/public/``: the city's map served to anyone, its data recomputed at most once a minute,
and not one byte under ``/public/`` carrying an internal value."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Served, start_server, stop_server
from tests.public_city import (
    PLOUGHED_NAME,
    SECRETS,
    demo_secrets,
    leaks,
    prepare,
)


@pytest.fixture()
def public_server(dsn: str, tmp_path: Path) -> Iterator[Served]:
    """The small city next to the demo city, served with anonymous reading switched off (as in
    production)."""
    prepare(dsn, with_demo=True)
    served = start_server(dsn, tmp_path, "[auth]\nanonymous_read = false\n")
    yield served
    stop_server(served)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def get(served: Served, path: str) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(served.base_url + path, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_public_map_needs_no_sign_in_and_serves_nothing_internal(
        public_server: Served) -> None:
    """Page, data and every asset the page links answer 200 without a session; none of their
    bytes holds a terminal id, IMEI, plate, contractor, vehicle name or internal mark, of the
    small city or of the demo's."""
    assert get(public_server, "/api/vehicles")[0] == 401  # the rest of the site stays closed
    status, headers, _ = get(public_server, "/public")
    assert status in (301, 302) and headers["Location"] == "/public/"
    status, headers, page = get(public_server, "/public/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assets = sorted(set(re.findall(rb'(?:src|href)="(/public/static/[^"]+)"', page)))
    assert len(assets) > 10 and b"/public/static/js/public_map.js" in assets
    status, _, data = get(public_server, "/public/data/map.json")
    assert status == 200
    bodies = {"/public/": page, "/public/data/map.json": data}
    for asset in assets:
        status, _, body = get(public_server, asset.decode())
        assert status == 200, asset
        bodies[asset.decode()] = body
    secrets = (*SECRETS, *demo_secrets())
    assert {path: leaks(body, secrets) for path, body in bodies.items()
            if leaks(body, secrets)} == {}
    document = json.loads(data)
    bands = {f["properties"]["name"]: f["properties"]["band"]
             for f in document["routes"]["features"] if f["properties"]["band"] == "band0"}
    assert bands == {PLOUGHED_NAME: "band0"}
    assert [f["geometry"]["coordinates"] for f in document["vehicles"]["features"]] == [
        [137.021, 50.551]]


def test_public_data_is_recomputed_at_most_once_a_minute(public_server: Served) -> None:
    """Two polls a moment apart get the same document, made once (same time stamp)."""
    first = json.loads(get(public_server, "/public/data/map.json")[2])
    second = json.loads(get(public_server, "/public/data/map.json")[2])
    assert first["generated_at"] == second["generated_at"]
    assert first["as_of"].endswith("(UTC+10)")
