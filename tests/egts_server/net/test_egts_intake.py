"""EGTS end to end: a terminal over real TCP, the served process, PostGIS and the HTTP API."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from tests.conftest import Served, start_server, stop_server
from tests.egts_terminal import EgtsTerminal

TID, IMEI = 777001, b"867530912345678"
T0 = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)


def fix(i: int) -> dict[str, Any]:
    """The i-th fix of a drive north-east through the city, with a course past 256 degrees."""
    return {"time": T0 + timedelta(seconds=5 * i), "lat": 50.5501234 + i * 1.1e-4,
            "lon": 137.0012345 + i * 1.3e-4, "speed_kmh": 10 + (i % 40) * 0.5,
            "course": (i * 7) % 360, "vld": True, "din": i % 2, "odometer_km": 100 + i / 10}


def get_json(served: Served, path: str) -> Any:
    with urllib.request.urlopen(served.base_url + path, timeout=10) as response:
        assert response.headers["content-type"].startswith("application/json")
        return json.load(response)


def stored_count(dsn: str, tid: int) -> int:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM positions p JOIN terminals t ON t.id = p.terminal_id"
                    " WHERE t.identifier = %s", (str(tid),))
        n: int = cur.fetchone()[0]
        return n


def registered_address(dsn: str, tid: int) -> str | None:
    """The address the terminal registry last saw terminal ``tid`` log in from."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT last_address FROM terminals WHERE protocol = 'egts'"
                    " AND identifier = %s", (str(tid),))
        address: str | None = cur.fetchone()[0]
        return address


def test_registry_remembers_the_address_a_terminal_connected_from(server: Served) -> None:
    """Without a balancer the last address is the connection's own peer, port included."""
    terminal = EgtsTerminal(server.egts_port)
    assert terminal.login(777031, None)[1].result_code == 0
    host, port = terminal.sock.getsockname()[:2]
    assert registered_address(server.dsn, 777031) == f"{host}:{port}"
    terminal.close()


def test_terminal_logs_in_sends_100_fixes_and_each_ack_follows_storage(server: Served) -> None:
    """Every RECORD_RESPONSE arrives only once its fixes are queryable, and the API returns them."""
    terminal = EgtsTerminal(server.egts_port)
    response, result = terminal.login(TID, IMEI)
    assert (response.pt, response.rpid, response.pr) == (0, 0, 0)
    assert response.confirmed == [(0, 0)]
    assert result.result_code == 0

    sent = 0
    batches = [1] * 50 + [5] * 6 + [10] * 2  # single fixes and several records per packet
    for size in batches:
        fixes = [fix(sent + k) for k in range(size)]
        pid, rns = terminal.send_fixes(TID, fixes)
        reply = terminal.read_reply()
        assert (reply.pt, reply.rpid, reply.pr) == (0, pid, 0)
        assert reply.confirmed == [(rn, 0) for rn in rns]
        sent += size
        assert stored_count(server.dsn, TID) == sent  # acknowledged => stored
    assert sent == 100
    terminal.close()

    vehicles = get_json(server, "/api/vehicles")
    (vehicle,) = [f for f in vehicles["features"] if f"egts:{TID}" in f["properties"]["terminals"]]
    last = fix(99)
    lon, lat = vehicle["geometry"]["coordinates"]
    assert abs(lat - last["lat"]) < 1e-6 and abs(lon - last["lon"]) < 1e-6
    props = vehicle["properties"]
    assert datetime.fromisoformat(props["fix_time"]) == last["time"]
    assert props["speed_kmh"] == pytest.approx(last["speed_kmh"], abs=0.05)
    assert props["course_deg"] == last["course"]

    start, end = (T0 - timedelta(minutes=1)).isoformat(), (T0 + timedelta(hours=1)).isoformat()
    query = urllib.parse.urlencode({"from": start, "to": end})
    track = get_json(server, f"/api/vehicles/{vehicle['id']}/track?{query}")
    assert track["fixes"] == 100
    (segment,) = track["features"]
    assert segment["geometry"]["type"] == "LineString"
    for i, ((lon, lat), t, speed, course) in enumerate(zip(
            segment["geometry"]["coordinates"], segment["properties"]["times"],
            segment["properties"]["speed_kmh"], segment["properties"]["course_deg"],
            strict=True)):
        expected = fix(i)
        assert abs(lat - expected["lat"]) < 1e-6 and abs(lon - expected["lon"]) < 1e-6
        assert datetime.fromisoformat(t) == expected["time"]
        assert speed == pytest.approx(expected["speed_kmh"], abs=0.05)
        assert course == expected["course"]


def test_resent_packet_is_acknowledged_again_and_stored_once(server: Served) -> None:
    """A terminal that missed an ack resends; it is confirmed again and nothing is duplicated."""
    terminal = EgtsTerminal(server.egts_port)
    terminal.login(TID, IMEI)
    fixes = [fix(0), fix(1), fix(2)]
    for _ in range(2):
        terminal.pid, terminal.rn = 10, 20  # the same packet again
        pid, rns = terminal.send_fixes(TID, fixes)
        reply = terminal.read_reply()
        assert reply.rpid == pid and reply.confirmed == [(rn, 0) for rn in rns]
    assert stored_count(server.dsn, TID) == 3
    terminal.close()


def test_track_is_split_at_data_gaps(server: Served) -> None:
    """Fixes more than the gap threshold apart come back as separate segments."""
    terminal = EgtsTerminal(server.egts_port)
    terminal.login(TID, IMEI)
    late = {**fix(3), "time": T0 + timedelta(minutes=30)}
    terminal.send_fixes(TID, [fix(0), fix(1), fix(2), late])
    terminal.read_reply()
    terminal.close()
    vehicles = get_json(server, "/api/vehicles")["features"]
    track = get_json(server, f"/api/vehicles/{vehicles[0]['id']}/track?from=2026-02-03T00:00:00Z"
                             "&to=2026-02-04T00:00:00Z")
    assert [f["geometry"]["type"] for f in track["features"]] == ["LineString", "Point"]
    # a registered-on-sight terminal has no equipment input: its state is unknown, in words
    assert track["features"][0]["properties"]["equipment"] == [None, None, None]
    assert track["equipment_words"] == {"on": "оборудование работает",
                                        "off": "оборудование выключено", "unknown": "нет данных"}
    assert [(leg["kind"], leg["start"], leg["end"]) for leg in track["legs"]] == [
        ("trip", "2026-02-03T07:00:00+00:00", "2026-02-03T07:00:10+00:00"),
        ("silence", "2026-02-03T07:00:10+00:00", "2026-02-03T07:30:00+00:00"),
        ("trip", "2026-02-03T07:30:00+00:00", "2026-02-03T07:30:00+00:00")]


def test_bad_track_queries_get_json_errors(server: Served) -> None:
    """Malformed parameters and unknown vehicles get a 4xx with a JSON message."""
    for path, status in (("/api/vehicles/abc/track", 400), ("/api/vehicles/999/track", 404),
                         ("/api/vehicles/1/track?from=yesterday", 400)):
        with pytest.raises(urllib.error.HTTPError) as caught:
            get_json(server, path)
        assert caught.value.code == status
        assert "error" in json.load(caught.value)


def test_reject_policy_refuses_unknown_terminal(dsn: str, tmp_path: Path) -> None:
    """With unknown_terminals = "reject" the login gets RESULT_CODE 151 and the socket closes."""
    served = start_server(dsn, tmp_path, '[intake]\nunknown_terminals = "reject"\n')
    try:
        terminal = EgtsTerminal(served.egts_port)
        response, result = terminal.login(TID, IMEI)
        assert response.confirmed == [(0, 0)]
        assert result.result_code == 151
        assert terminal.read_frame() is None  # closed by the platform
        assert stored_count(dsn, TID) == 0
    finally:
        stop_server(served)


def test_track_downloads_as_gpx_and_csv(server: Served) -> None:
    """The same track comes as a GPX file with one segment per stretch and as CSV rows."""
    import csv
    import io
    import xml.etree.ElementTree as ET

    terminal = EgtsTerminal(server.egts_port)
    terminal.login(TID, IMEI)
    terminal.send_fixes(TID, [fix(0), fix(1), {**fix(2), "time": T0 + timedelta(hours=1)}])
    terminal.read_reply()
    terminal.close()
    vehicle_id = get_json(server, "/api/vehicles")["features"][0]["id"]
    window = "from=2026-02-03T00:00:00Z&to=2026-02-04T00:00:00Z"
    url = f"{server.base_url}/api/vehicles/{vehicle_id}/track?{window}"
    with urllib.request.urlopen(url + "&format=gpx", timeout=10) as r:
        assert r.headers["content-type"] == "application/gpx+xml"
        assert "attachment" in r.headers["content-disposition"]
        gpx = ET.fromstring(r.read())
    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    segments = gpx.findall("g:trk/g:trkseg", ns)
    assert [len(s.findall("g:trkpt", ns)) for s in segments] == [2, 1]
    first = segments[0].find("g:trkpt", ns)
    assert first is not None and abs(float(first.get("lat", "0")) - fix(0)["lat"]) < 1e-6
    with urllib.request.urlopen(url + "&format=csv", timeout=10) as r:
        assert r.headers["content-disposition"] == (
            f'attachment; filename="track-{vehicle_id}-20260203-1000-20260204-1000.csv"')
        text = r.read().decode("utf-8")
    assert text.startswith("\ufeffВремя;Широта;Долгота;Скорость, км/ч;")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert [row["Время"] for row in rows] == [  # 07:00 UTC is 17:00 in Vladivostok
        "03.02.2026 17:00:00 (+10:00)", "03.02.2026 17:00:05 (+10:00)",
        "03.02.2026 18:00:00 (+10:00)"]
    assert rows[0]["Широта"] == f"{fix(0)['lat']:.7f}".replace(".", ",")
    # the same window typed as the city's wall clock, without an offset
    local = f"{server.base_url}/api/vehicles/{vehicle_id}/track?from=2026-02-03T10:00" \
            "&to=2026-02-03T17:30&format=csv"
    with urllib.request.urlopen(local, timeout=10) as r:
        assert r.read().decode("utf-8").count("\r\n") == 1 + 2  # header + the first two
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url + "&format=kml", timeout=10)
    assert caught.value.code == 400
