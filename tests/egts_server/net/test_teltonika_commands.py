"""Codec 12 commands end to end: API and CLI → queue in PostGIS → the device's connection, only
once its AVL data is acknowledged → its response → recorded and shown like an EGTS answer.

The device is written here over a real socket: AVL packets from ``test_teltonika_intake``'s
hand-made builder, Codec 12 messages laid out below from the vendor's description, and the
vendor's documented getinfo/getio bytes from ``tests/data/teltonika/commands.json``.
"""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.builders.checksums import crc16_arc
from tests.conftest import REPO, Served, free_port, start_server, stop_server
from tests.egts_server.net.test_commands import api, wait_status
from tests.egts_server.net.test_teltonika_intake import IMEI, packet, record8
from tests.maps.auth.test_sign_in import add_user, sign_in
from tests.tracker_support import read_exactly

pytestmark = pytest.mark.postgis
VECTORS = {e["name"]: e for e in json.loads(
    (REPO / "tests" / "data" / "teltonika" / "commands.json").read_text(encoding="utf-8"))}
TERMINAL = f"teltonika:{IMEI.decode()}"


def response(text: bytes) -> bytes:
    """A device's Codec 12 response (type 0x06) carrying ``text``."""
    data = bytes((0x0C, 1, 0x06)) + struct.pack(">I", len(text)) + text + b"\x01"
    return b"\0\0\0\0" + struct.pack(">I", len(data)) + data + struct.pack(">I", crc16_arc(data))


def read_command(sock: socket.socket) -> bytes:
    """One whole Codec 12 message from the server."""
    head = read_exactly(sock, 8)
    assert head[:4] == b"\0\0\0\0", head
    return head + read_exactly(sock, struct.unpack(">I", head[4:])[0] + 4)


def text_of(message: bytes) -> bytes:
    assert message[8:11] == b"\x0c\x01\x05", message.hex()
    (size,) = struct.unpack_from(">I", message, 11)
    assert struct.unpack(">I", message[-4:])[0] == crc16_arc(message[8:-4])
    return message[15:15 + size]


def nothing_arrives(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(1) == b""  # closed counts as something (a failure) too
    except TimeoutError:
        return True
    finally:
        sock.settimeout(10)


@pytest.fixture()
def served(dsn: str, tmp_path: Path) -> Iterator[tuple[Served, int]]:
    add_user(dsn, "admin", "admin-2026!", "admin")
    port = free_port()
    server = start_server(dsn, tmp_path, (
        f'[teltonika]\nenabled = true\nhost = "127.0.0.1"\nport = {port}\n'
        "[commands]\npoll_interval_s = 0.2\nresend_after_s = 30\nmax_attempts = 2\n"))
    yield server, port
    stop_server(server)


def connected(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(struct.pack(">H", len(IMEI)) + IMEI)
    assert read_exactly(sock, 1) == b"\x01"
    return sock


def queue(server: Served, auth: dict[str, str], body: dict[str, Any]) -> str:
    status, command = api(server, auth, "POST", f"/api/terminals/{TERMINAL}/commands", body)
    assert status == 201 and command["status"] == "queued", command
    return f"/api/terminals/{TERMINAL}/commands/{command['id']}"


def test_command_waits_for_the_avl_exchange_and_its_answer_is_recorded(
        served: tuple[Served, int]) -> None:
    server, port = served
    admin = sign_in(server, "admin", "admin-2026!")
    sock = connected(port)
    try:
        status, refused = api(server, admin, "POST", f"/api/terminals/{TERMINAL}/commands",
                              {"command": "restart"})
        assert (status, refused["detail"]) == (400, {"field": "command"}), refused
        getinfo = queue(server, admin, {"text": "getinfo"})
        assert nothing_arrives(sock, 1.0)  # no AVL data acknowledged yet: it stays queued
        assert api(server, admin, "GET", getinfo)[1]["status"] == "queued"

        sock.sendall(packet(8, [record8(0), record8(1)]))
        assert read_exactly(sock, 4) == struct.pack(">I", 2)  # the count first, then the command
        assert read_command(sock).hex() == VECTORS["getinfo command"]["hex"]
        assert wait_status(server, admin, getinfo, "sent")["attempts"] == 1

        sock.sendall(bytes.fromhex(VECTORS["getinfo response"]["hex"]))
        done = wait_status(server, admin, getinfo, "confirmed")
        assert (done["confirmation"], done["result_text"]) == (
            "ok", VECTORS["getinfo response"]["text"])
        assert done["answered_at"] and done["delivered_at"]
        assert nothing_arrives(sock, 0.3)  # a response is not acknowledged
    finally:
        sock.close()


def test_one_command_at_a_time_and_never_inside_an_avl_exchange(
        served: tuple[Served, int]) -> None:
    server, port = served
    admin = sign_in(server, "admin", "admin-2026!")
    sock = connected(port)
    try:
        sock.sendall(packet(8, [record8(0)]))
        assert read_exactly(sock, 4) == struct.pack(">I", 1)
        half = packet(8, [record8(1)])
        sock.sendall(half[:20])  # a packet under way: the device waits for its count next
        setdigout = queue(server, admin, {"text": "setdigout 1"})
        getio = queue(server, admin, {"text": "getio"})
        wait_status(server, admin, setdigout, "sent")
        assert nothing_arrives(sock, 0.5)
        sock.sendall(half[20:])
        assert read_exactly(sock, 4) == struct.pack(">I", 1)
        assert text_of(read_command(sock)) == b"setdigout 1"
        assert nothing_arrives(sock, 1.0)  # getio waits for the answer to setdigout

        sock.sendall(response(b"DOUT1:1 Timeout:INFINITY"))
        assert read_command(sock).hex() == VECTORS["getio command"]["hex"]
        first = wait_status(server, admin, setdigout, "confirmed")
        assert first["result_text"] == "DOUT1:1 Timeout:INFINITY"
        sock.sendall(bytes.fromhex(VECTORS["getio response"]["hex"]))
        assert wait_status(server, admin, getio, "confirmed")["result_text"] == (
            VECTORS["getio response"]["text"])
    finally:
        sock.close()

    history = subprocess.run(
        [sys.executable, "-m", "egts_server.cli", "terminals", "commands", TERMINAL],
        capture_output=True, text=True, env={"DATABASE_URL": server.dsn, "PATH": "/usr/bin:/bin"},
        cwd=REPO, check=False)
    assert history.returncode == 0, history.stderr
    lines = [line.partition(")  ")[2] for line in history.stdout.splitlines()]  # after the time
    assert lines == [f"confirmed   getio  [answer: ok]  {VECTORS['getio response']['text']!r}",
                     "confirmed   setdigout 1  [answer: ok]  'DOUT1:1 Timeout:INFINITY'"]


def test_cli_queues_a_text_command_for_a_teltonika_device(served: tuple[Served, int]) -> None:
    server, port = served
    env = {"DATABASE_URL": server.dsn, "PATH": "/usr/bin:/bin"}
    connected(port).close()  # registers the device
    run = subprocess.run([sys.executable, "-m", "egts_server.cli", "terminals", "command",
                          "teltonika", IMEI.decode(), "getver"],
                         capture_output=True, text=True, env=env, cwd=REPO, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("command ") and run.stdout.rstrip().endswith(
        f"queued for {TERMINAL}: getver")
    refused = subprocess.run([sys.executable, "-m", "egts_server.cli", "terminals", "command",
                              TERMINAL, "--command", "restart"],
                             capture_output=True, text=True, env=env, cwd=REPO, check=False)
    assert refused.returncode == 2 and refused.stderr.strip() == (
        "glonass-dispatch: terminals command: --command: Teltonika terminals take text "
        "commands only")
