"""NDTP end to end: an independent terminal over real TCP, the served process, PostGIS, the API."""

from __future__ import annotations

import json
import random
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg2

from tests.builders import ndtp as build
from tests.conftest import Served, start_server, stop_server
from tests.ndtp_terminal import NdtpTerminal

DEVICE_ID, IMEI = 134223, b"351513051194055"
T0 = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)


def fix(i: int) -> bytes:
    """Cells of the i-th record of a drive through the city: nav + internal I/O + road machine."""
    return (build.nav(time=T0 + timedelta(seconds=10 * i), lat=50.5501234 + i * 1.1e-4,
                      lon=137.0012345 + i * 1.3e-4, speed_avg=20 + i % 30, course=(i * 7) % 360,
                      alt=40, nsat=10)
            + build.int_sensor(di_in=i % 2, odometer_m=10_000 + 15 * i)
            + build.raw(5, bytes((i % 2, 0, 0, 0, 0, 0))))


def get_json(served: Served, path: str) -> Any:
    with urllib.request.urlopen(served.base_url + path, timeout=10) as response:
        return json.load(response)


def stored(dsn: str, identifier: str = str(DEVICE_ID)) -> list[tuple[Any, ...]]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT p.fix_time, p.black_box, p.attributes->>'road_machine0_raw'"
                    " FROM positions p JOIN terminals t ON t.id = p.terminal_id"
                    " WHERE t.protocol = 'ndtp' AND t.identifier = %s ORDER BY p.fix_time",
                    (identifier,))
        rows: list[tuple[Any, ...]] = cur.fetchall()
    conn.close()
    return rows


def track(served: Served, vehicle_id: int) -> Any:
    query = urllib.parse.urlencode({"from": (T0 - timedelta(minutes=1)).isoformat(),
                                    "to": (T0 + timedelta(hours=2)).isoformat(),
                                    "as": "points"})
    return get_json(served, f"/api/vehicles/{vehicle_id}/track?{query}")


def test_terminal_identifies_sends_split_and_glued_frames_and_finds_its_track(
        server: Served) -> None:
    """Realtime and history frames cut at random byte boundaries and glued together each get
    a result only once their fix is stored, and the fixes come back from the track API."""
    terminal = NdtpTerminal(server.ndtp_port)
    login = terminal.identify(DEVICE_ID, IMEI)
    assert (login.service, login.ptype, login.request_id, login.result) == (0, 0, 0, 0)

    rng = random.Random(4)
    sent = 0
    for burst in range(12):
        frames = [terminal.navdata_frame(fix(sent + k), history=burst % 3 == 1)
                  for k in range(1 + burst % 4)]
        data = b"".join(frame for frame, _ in frames)
        cuts = sorted(rng.sample(range(1, len(data)), k=min(5, len(data) - 1)))
        for start, end in zip([0, *cuts], [*cuts, len(data)], strict=True):
            terminal.send(data[start:end])
        for _, request_id in frames:
            reply = terminal.read_reply()
            assert (reply.service, reply.ptype, reply.request_id, reply.result) == (
                1, 0, request_id, 0)
            sent += 1
            assert len(stored(server.dsn)) >= sent  # a result means the fix is stored
    assert len(stored(server.dsn)) == sent == 30
    terminal.close()

    rows = stored(server.dsn)
    assert [r[0] for r in rows] == [T0 + timedelta(seconds=10 * i) for i in range(sent)]
    assert any(r[1] for r in rows) and not all(r[1] for r in rows)  # history is black-box
    assert {r[2] for r in rows} == {"000000000000", "010000000000"}  # road machine kept raw

    vehicles = get_json(server, "/api/vehicles")["features"]
    (vehicle,) = [v for v in vehicles if f"ndtp:{DEVICE_ID}" in v["properties"]["terminals"]]
    points = track(server, vehicle["id"])
    assert points["fixes"] == sent
    coordinates = [f["geometry"]["coordinates"] for f in points["features"]]
    for i, (lon, lat) in enumerate(coordinates):
        assert abs(lat - (50.5501234 + i * 1.1e-4)) < 1e-6
        assert abs(lon - (137.0012345 + i * 1.3e-4)) < 1e-6


def test_corrupted_crc_gets_no_reply_and_the_connection_stays_usable(server: Served) -> None:
    """A frame with a flipped byte is dropped silently; the intact resend is stored and answered."""
    terminal = NdtpTerminal(server.ndtp_port)
    assert terminal.identify(DEVICE_ID, IMEI).result == 0
    frame, request_id = terminal.navdata_frame(fix(0))
    bad = bytearray(frame)
    bad[30] ^= 0xFF
    terminal.send(bytes(bad))
    assert terminal.silent_for(1.0)
    assert stored(server.dsn) == []
    terminal.send(frame)
    reply = terminal.read_reply()
    assert (reply.request_id, reply.result) == (request_id, 0)
    assert len(stored(server.dsn)) == 1
    terminal.close()


def test_resent_frame_is_answered_again_and_stored_once(server: Served) -> None:
    """A terminal that missed a result resends; it is answered again, nothing is duplicated."""
    terminal = NdtpTerminal(server.ndtp_port)
    terminal.identify(DEVICE_ID, IMEI)
    frame, request_id = terminal.navdata_frame(fix(0))
    for _ in range(2):
        terminal.send(frame)
        assert terminal.read_reply().request_id == request_id
    assert len(stored(server.dsn)) == 1
    terminal.close()


def test_navdata_before_identification_is_not_answered_and_closes(server: Served) -> None:
    """No CONN_REQUEST: no result (the data stays in the black box), connection closed."""
    terminal = NdtpTerminal(server.ndtp_port)
    terminal.send(terminal.navdata_frame(fix(0))[0])
    assert terminal.read_frame() is None
    terminal.close()


def test_reject_policy_answers_301_and_closes(dsn: str, tmp_path: Path) -> None:
    """With unknown_terminals = "reject" the CONN_REQUEST gets 301 and the socket closes."""
    served = start_server(dsn, tmp_path, '[intake]\nunknown_terminals = "reject"\n')
    try:
        terminal = NdtpTerminal(served.ndtp_port)
        assert terminal.identify(DEVICE_ID, IMEI).result == 301
        assert terminal.read_frame() is None
        assert stored(dsn) == []
    finally:
        stop_server(served)
