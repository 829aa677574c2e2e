"""Wialon IPS end to end: a hand-written tracker over real TCP, the served process, PostGIS.

The packets are spelled out here as a tracker writes them (text plus an independent bitwise
CRC-16/ARC), not built by the codec. Every answer is read before the next check, and each
``#AD#1``/``#AB#n`` must find its fixes already committed.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
import pytest

from tests.builders.checksums import crc16_arc
from tests.conftest import free_port, start_server, stop_server
from tests.tracker_support import TrackerServer, served_tracker

IMEI = "355217044956192"


def crc(text: str) -> str:
    return f"{crc16_arc(text.encode()):04X}"


def signed(kind: str, body: str, separator: str = ";") -> bytes:
    return f"#{kind}#{body}{separator}{crc(body + separator)}\r\n".encode()


class Tracker:
    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def answer(self) -> str | None:
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode()


served = served_tracker("wialon", "p.hdop, p.inputs, p.black_box, p.protocol, p.attributes",
                        IMEI)


def data(second: int) -> str:
    return (f"030226;0700{second:02d};5033.0000;N;13700.6000;E;{20 + second};{90 + second};45;"
            f"9;1.5;5;2;12.5,3;0123ABCD;fuel:2:41.5,hw:3:V4.5,count:1:{second}")


def test_tracker_logs_in_sends_split_glued_and_black_box_and_every_field_is_stored(
        served: TrackerServer) -> None:
    tracker = Tracker(served.port)
    tracker.send(f"#L#2.0;{IMEI};NA;".encode() + crc(f"2.0;{IMEI};NA;").encode() + b"\r\n")
    assert tracker.answer() == "#AL#1"

    glued = signed("D", data(1)) + signed("D", data(2)) + b"#P#\r\n"
    for start in range(0, len(glued), 17):  # split into small writes
        tracker.send(glued[start:start + 17])
    assert tracker.answer() == "#AD#1"
    assert len(served.stored()) >= 1  # the answer means the fix is committed
    assert tracker.answer() == "#AD#1"
    assert len(served.stored()) == 2
    assert tracker.answer() == "#AP#"

    box = "|".join(data(s) for s in (3, 4, 5))
    tracker.send(signed("B", box, "|"))
    assert tracker.answer() == "#AB#3"
    rows = served.stored()
    assert len(rows) == 5

    tracker.send(signed("D", data(6))[:-6] + b"0000\r\n")  # CRC broken
    assert tracker.answer() == "#AD#16"
    tracker.sock.close()

    for second, row in zip(range(1, 6), rows, strict=True):
        (fix_time, lat, lon, valid, speed, course, alt, sats, hdop, inputs, black_box,
         protocol, attributes) = row
        assert fix_time == datetime(2026, 2, 3, 7, 0, second, tzinfo=UTC)
        assert lat == pytest.approx(50.55, abs=1e-9) and lon == pytest.approx(137.01, abs=1e-9)
        assert (valid, speed, course, alt, sats, hdop, inputs) == (
            True, 20 + second, 90 + second, 45, 9, 1.5, 5)
        assert black_box == (second >= 3) and protocol == "wialon"
        assert attributes == {"outputs": 2, "adc1": 12.5, "adc2": 3.0, "ibutton": "0123ABCD",
                              "param_fuel": 41.5, "param_hw": "V4.5", "param_count": second}


@pytest.mark.parametrize("protocol", ["wialon", "teltonika", "osmand"])
def test_terminals_add_registers_a_tracker_of_each_new_protocol(
        dsn: str, monkeypatch: pytest.MonkeyPatch, protocol: str) -> None:
    """`terminals add <proto> <id>` stores the terminal under that protocol; remove drops it."""
    from egts_server.cli import main as cli

    monkeypatch.setenv("DATABASE_URL", dsn)
    assert cli(["terminals", "add", protocol, "864495034643376"]) == 0
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT protocol, identifier FROM terminals")
        assert cur.fetchall() == [(protocol, "864495034643376")]
    conn.close()
    assert cli(["terminals", "remove", protocol, "864495034643376"]) == 0


def test_configured_password_is_checked_by_the_served_process(
        dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`[wialon.accounts]` names the variable with a tracker's password: a wrong one gets
    #AL#01 and the socket closes; the right one logs in."""
    monkeypatch.setenv("WIALON_TRACKER_77_PASSWORD", "s3cret")
    port = free_port()
    server = start_server(dsn, tmp_path, f"[wialon]\nenabled = true\nhost = \"127.0.0.1\"\n"
                                         f"port = {port}\n[wialon.accounts]\n"
                                         "77 = \"WIALON_TRACKER_77_PASSWORD\"\n")
    try:
        wrong = Tracker(port)
        wrong.send(b"#L#77;guess\r\n")
        assert wrong.answer() == "#AL#01"
        assert wrong.answer() is None
        right = Tracker(port)
        right.send(b"#L#77;s3cret\r\n")
        assert right.answer() == "#AL#1"
        right.sock.close()
    finally:
        stop_server(server)
