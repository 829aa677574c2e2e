"""NIS SOAP end to end: a platform posts PutCoord batches to the served /nis; points appear."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from egts_server.codec.nis_soap import PutCoord, encode_request
from tests.conftest import Served, start_server, stop_server

T0 = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


@pytest.fixture()
def nis_server(dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """A served instance with one NIS sender account whose password is in the environment."""
    monkeypatch.setenv("TEST_NIS_WIALON_PASSWORD", PASSWORD)
    served = start_server(dsn, tmp_path, '[nis.accounts]\nwialon = "TEST_NIS_WIALON_PASSWORD"\n')
    yield served
    stop_server(served)


def post(served: Served, body: bytes, password: str | None = PASSWORD) -> tuple[int, bytes]:
    request = urllib.request.Request(served.base_url + "/nis", data=body, method="POST",
                                     headers={"Content-Type": "text/xml; charset=utf-8"})
    if password is not None:
        token = base64.b64encode(f"wialon:{password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def get_json(served: Served, path: str) -> Any:
    with urllib.request.urlopen(served.base_url + path, timeout=10) as response:
        return json.load(response)


def batch(object_id: str, n: int, start: int = 0) -> list[PutCoord]:
    return [PutCoord(object_id=object_id, time=T0 + timedelta(seconds=30 * i),
                     lon=137.01 + i * 1e-4, lat=50.56 + i * 1e-4, alt=40.0, speed=25.5,
                     course=90.0, digital_inputs=(0,) if i % 2 else ())
            for i in range(start, start + n)]


def test_platform_posts_a_batch_and_the_points_appear(nis_server: Served) -> None:
    """Two objects in one PutCoord batch: one response per record, then both tracks."""
    records = batch("01326273", 5) + batch("00042", 3)
    status, body = post(nis_server, encode_request(records))
    assert status == 200
    assert body.count(b"<ws:PutCoordResponse>") == 8
    assert b"<ObjectID>01326273</ObjectID>" in body and b"<ObjectID>00042</ObjectID>" in body

    vehicles = get_json(nis_server, "/api/vehicles")["features"]
    by_terminal = {t: v for v in vehicles for t in v["properties"]["terminals"]}
    for object_id, count in (("01326273", 5), ("00042", 3)):
        vehicle = by_terminal[f"nis:{object_id}"]
        track = get_json(nis_server, f"/api/vehicles/{vehicle['id']}/track?as=points"
                                     "&from=2026-02-03T08:00:00Z&to=2026-02-03T10:00:00Z")
        assert track["fixes"] == count
        lon, lat = track["features"][-1]["geometry"]["coordinates"]
        assert abs(lon - (137.01 + (count - 1) * 1e-4)) < 1e-9
        assert abs(lat - (50.56 + (count - 1) * 1e-4)) < 1e-9

    again_status, _ = post(nis_server, encode_request(records))  # a resend is stored once
    assert again_status == 200
    vehicle = by_terminal["nis:00042"]
    track = get_json(nis_server, f"/api/vehicles/{vehicle['id']}/track?as=points"
                                 "&from=2026-02-03T08:00:00Z&to=2026-02-03T10:00:00Z")
    assert track["fixes"] == 3


def test_wrong_or_missing_credentials_get_401(nis_server: Served) -> None:
    """No Basic credentials or a wrong password: 401 and nothing stored."""
    body = encode_request(batch("9", 1))
    assert post(nis_server, body, password=None)[0] == 401
    assert post(nis_server, body, password="guess")[0] == 401
    assert get_json(nis_server, "/api/vehicles")["features"] == []


def test_malformed_xml_gets_a_400_soap_fault(nis_server: Served) -> None:
    """A broken body: 400 with a SOAP fault naming the problem."""
    status, body = post(nis_server, b"<soapenv:Envelope><soapenv:Body><ws:PutCoord>")
    assert status == 400
    assert b"<soapenv:Fault>" in body and b"malformed XML" in body
