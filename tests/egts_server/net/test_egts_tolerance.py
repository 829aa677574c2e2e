"""EGTS over TCP against the served process: an EXT_POS_DATA with bytes left over costs only
itself: the record is confirmed with RST 0 after its fix committed, the raw bytes are stored
with the fix, and /metrics counts the dropped element; /metrics also names the implementation of
the EGTS and NDTP hot paths (compiled or pure) the process runs."""

from __future__ import annotations

import struct
import urllib.request
from datetime import UTC, datetime

import psycopg2

from egts_server.codec.egts import kernels
from egts_server.codec.ndtp import kernels as ndtp_kernels
from tests.builders import egts as build
from tests.conftest import Served
from tests.egts_terminal import EgtsTerminal

T0 = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)
EXT_POS = build.ext_pos_data(hdop=120, sat=9) + struct.pack("<H", 3)  # NS without NSFE


def test_malformed_ext_pos_data_is_dropped_alone_and_the_fix_confirmed(server: Served) -> None:
    terminal = EgtsTerminal(server.egts_port)
    _, result = terminal.login(7701, b"867530900000077")
    assert result.result_code == 0
    pid, (rn,) = terminal.next_ids()
    terminal.send(build.packet(pid=pid, records=[build.pos_record(
        rn=rn, oid=7701, time=T0, lat=50.55, lon=137.01,
        extra=[build.subrecord(17, EXT_POS), build.subrecord(18, build.ad_sensors(ans={1: 7}))])]))
    reply = terminal.read_reply()
    assert reply.rpid == pid and reply.confirmed == [(rn, 0)]
    with psycopg2.connect(server.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT p.fix_time, p.satellites, p.hdop, p.attributes"
                    " FROM positions p JOIN terminals t ON t.id = p.terminal_id"
                    " WHERE t.identifier = '7701'")
        rows = cur.fetchall()  # read right after the confirmation: already committed
    conn.close()
    terminal.close()
    assert len(rows) == 1
    fix_time, satellites, hdop, attributes = rows[0]
    assert (fix_time, satellites, hdop) == (T0, None, None)
    assert attributes["dropped_ext_pos_data_raw"] == EXT_POS.hex()
    assert attributes["adc1"] == 7
    with urllib.request.urlopen(server.base_url + "/metrics", timeout=10) as response:
        metrics = response.read().decode()
    assert ('glonass_elements_dropped_total{protocol="egts",element="ext_pos_data"} 1'
            in metrics)


def test_metrics_name_the_codec_implementations_in_use(server: Served) -> None:
    """The served process runs the compiled EGTS and NDTP kernels when built (as this one
    does), else pure Python, and says which, once per protocol."""
    with urllib.request.urlopen(server.base_url + "/metrics", timeout=10) as response:
        metrics = response.read().decode()
    lines = [line for line in metrics.splitlines()
             if line.startswith("glonass_codec_implementation{")]
    assert lines == [
        f'glonass_codec_implementation{{protocol="egts",implementation="{kernels.ACTIVE.name}"}} 1',
        'glonass_codec_implementation{protocol="ndtp",implementation='
        f'"{ndtp_kernels.ACTIVE.name}"}} 1',
    ]
