"""Commands to terminals end to end: API and CLI → queue in PostGIS → the terminal's connection
→ its PT_RESPONSE and COMCONF → recorded, and confirmed to the terminal only once stored.

The terminal is ``tests.egts_terminal`` (packets from ``tests.builders.egts``, replies parsed
independently of the server's codec); the server is a real process.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.builders import egts as build
from tests.conftest import REPO, Served, start_server, stop_server
from tests.egts_terminal import EgtsTerminal, Reply
from tests.maps.auth.test_sign_in import add_user, call, sign_in

COMMANDS = 4
FAST = "[commands]\npoll_interval_s = 0.2\nresend_after_s = 1.5\nmax_attempts = 2\n"


@pytest.fixture()
def served(dsn: str, tmp_path: Path) -> Iterator[Served]:
    add_user(dsn, "admin", "admin-2026!", "admin")
    add_user(dsn, "ivanova", "zima-2026!", "dispatcher")
    s = start_server(dsn, tmp_path, FAST)
    yield s
    stop_server(s)


@pytest.fixture()
def admin(served: Served) -> dict[str, str]:
    return sign_in(served, "admin", "admin-2026!")


def api(served: Served, auth: dict[str, str], method: str, path: str,
        body: Any = None) -> tuple[int, Any]:
    status, _, raw = call(served, method, path, body, headers=auth)
    return status, json.loads(raw) if raw else None


def terminal_id(served: Served, auth: dict[str, str], identifier: str) -> int:
    status, terminals = api(served, auth, "GET", "/api/terminals")
    assert status == 200
    return int(next(t["id"] for t in terminals if t["identifier"] == identifier))


def queue_command(served: Served, auth: dict[str, str], identifier: str,
                  body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST the command to the terminal known as ``identifier``: (terminal id, command)."""
    tid = terminal_id(served, auth, identifier)
    status, command = api(served, auth, "POST", f"/api/terminals/{tid}/commands", body)
    assert status == 201 and command["status"] == "queued", command
    return tid, dict(command)


def wait_status(served: Served, auth: dict[str, str], path: str, wanted: str,
                timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status, command = api(served, auth, "GET", path)
        assert status == 200
        if command["status"] == wanted or time.monotonic() > deadline:
            assert command["status"] == wanted, command
            return dict(command)
        time.sleep(0.1)


def read_command(terminal: EgtsTerminal) -> tuple[Reply, dict[str, Any]]:
    """The next packet must carry one COMMAND_DATA; its fields, parsed here from the bytes."""
    reply = terminal.read_reply()
    assert reply.pt == 1 and [sst for _, sst in reply.records] == [COMMANDS], reply
    (srd,) = reply.commands
    ct_cct, cid, sid, flags = struct.unpack_from("<BIIB", srd, 0)
    pos = 10
    chs = None
    if flags & 1:
        chs, pos = srd[pos], pos + 1
    adr, sz_act, ccd = struct.unpack_from("<HBH", srd, pos)
    return reply, {"ct": ct_cct >> 4, "cct": ct_cct & 15, "cid": cid, "sid": sid, "chs": chs,
                   "adr": adr, "act": sz_act & 7, "sz": sz_act >> 3, "ccd": ccd,
                   "dt": srd[pos + 5:]}


def take(terminal: EgtsTerminal, reply: Reply) -> None:
    """The terminal's PT_RESPONSE to the command packet: packet and record taken."""
    pid, _ = terminal.next_ids(0)
    terminal.send(build.record_ack(rpid=reply.pid, pid=pid, sst=COMMANDS,
                                   confirmed=[(rn, 0) for rn, _ in reply.records]))


def answer(terminal: EgtsTerminal, command: dict[str, Any], value: bytes, cct: int = 0) -> Reply:
    """COMCONF with the command's ADR, ACT and CCD and ``value``; returns the server's reply."""
    pid, (rn,) = terminal.next_ids()
    cd = struct.pack("<HBH", command["adr"], len(value) << 3 | command["act"],
                     command["ccd"]) + value
    terminal.send(build.packet(pid=pid, records=[build.record(
        rn=rn, sst=COMMANDS, subrecords=[build.subrecord(51, build.command_data(
            ct=1, cct=cct, cid=command["cid"], sid=command["sid"], chs=0, cd=cd))])]))
    reply = terminal.read_reply()
    assert (reply.pt, reply.rpid, reply.pr, reply.confirmed) == (0, pid, 0, [(rn, 0)])
    return reply


def logged_in(served: Served, tid: int) -> EgtsTerminal:
    terminal = EgtsTerminal(served.egts_port)
    _, result = terminal.login(tid, b"861230045678901")
    assert result.result_code == 0
    return terminal


def test_parameter_query_is_delivered_answered_and_recorded(served: Served,
                                                            admin: dict[str, str]) -> None:
    """POST → the terminal gets CT_COM with ACT 1 and the code; its PT_RESPONSE makes the
    command delivered; its COMCONF is confirmed only after the value is queryable."""
    terminal = logged_in(served, 5001)
    try:
        tid, command = queue_command(served, admin, "5001",
                                     {"parameter": "0x0262", "action": "get"})
        assert command["summary"] == "get parameter 0x0262" and command["created_by"] == "admin"
        path = f"/api/terminals/{tid}/commands/{command['id']}"
        reply, wire = read_command(terminal)
        assert (wire["ct"], wire["cct"], wire["cid"], wire["act"], wire["ccd"], wire["dt"]) == \
            (5, 0, command["id"], 1, 0x0262, b"")
        assert wait_status(served, admin, path, "sent")["attempts"] == 1
        take(terminal, reply)
        wait_status(served, admin, path, "delivered")
        answer(terminal, wire, b"60")
        status, done = api(served, admin, "GET", path)  # no waiting: acknowledged = stored
        assert status == 200 and done["status"] == "confirmed", done
        assert (done["confirmation"], done["result_text"]) == ("ok", "60")
        assert done["result_hex"] == (struct.pack("<HBH", 0, 2 << 3 | 1, 0x0262) + b"60").hex()
        assert done["answered_at"] and done["delivered_at"]
        status, history = api(served, admin, "GET", f"/api/terminals/{tid}/commands")
        assert status == 200 and [c["id"] for c in history] == [command["id"]]
    finally:
        terminal.close()


def test_failed_answer_is_recorded_as_failed(served: Served, admin: dict[str, str]) -> None:
    terminal = logged_in(served, 5002)
    try:
        tid, command = queue_command(served, admin, "5002", {"command": "reset_odometer"})
        reply, wire = read_command(terminal)
        assert (wire["act"], wire["ccd"]) == (0, 0x0011)
        take(terminal, reply)
        answer(terminal, wire, b"", cct=2)  # CC_ILL: not allowed
        _, done = api(served, admin, "GET", f"/api/terminals/{tid}/commands/{command['id']}")
        assert (done["status"], done["confirmation"]) == ("failed", "illegal")
        assert "illegal" in done["error"]
    finally:
        terminal.close()


def test_unanswered_command_is_resent_then_fails(served: Served,
                                                 admin: dict[str, str]) -> None:
    """No PT_RESPONSE: the same CID goes again after resend_after_s, then the command fails."""
    terminal = logged_in(served, 5003)
    try:
        tid, command = queue_command(served, admin, "5003", {"text": "СТАТУС"})
        _, first = read_command(terminal)
        assert first["chs"] == 0 and first["dt"] == "СТАТУС".encode("cp1251")
        _, second = read_command(terminal)
        assert second["cid"] == first["cid"] == command["id"]
        failed = wait_status(served, admin, f"/api/terminals/{tid}/commands/{command['id']}",
                             "failed")
        assert failed["attempts"] == 2 and "no answer" in failed["error"]
    finally:
        terminal.close()


def test_command_waits_for_its_terminal_and_the_cli_follows_it(served: Served,
                                                               admin: dict[str, str]) -> None:
    """Queued from the CLI while the terminal is offline; it goes out when the terminal logs
    in; ``--wait`` prints each step and exits 0 on confirmation."""
    env = {"DATABASE_URL": served.dsn, "PATH": "/usr/bin:/bin"}
    add = subprocess.run([sys.executable, "-m", "egts_server.cli", "terminals", "add", "egts",
                          "5004"], capture_output=True, text=True, env=env, cwd=REPO)
    assert add.returncode == 0, add.stderr
    # -u: each line reaches the pipe as it is printed, so the first can be read right away
    cli = subprocess.Popen([sys.executable, "-u", "-m", "egts_server.cli", "terminals",
                            "command", "egts:5004", "GETVER", "--wait", "30"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                           cwd=REPO)
    try:
        assert cli.stdout is not None
        queued = cli.stdout.readline()  # the command is queued before the terminal connects
        assert queued.startswith("command ") and "queued for egts:5004: GETVER" in queued, (
            queued, cli.stderr.read() if cli.poll() is not None and cli.stderr else "")
        terminal = logged_in(served, 5004)
        try:
            reply, wire = read_command(terminal)
            assert wire["dt"] == b"GETVER"
            take(terminal, reply)
            answer(terminal, wire, "ver 2.1".encode("cp1251"))
            out, err = cli.communicate(timeout=30)
        finally:
            terminal.close()
    finally:
        cli.kill()
        cli.wait()
    assert cli.returncode == 0, (out, err)
    lines = out.splitlines()
    assert lines and lines[-1].startswith("confirmed") and "'ver 2.1'" in lines[-1], lines
    history = subprocess.run([sys.executable, "-m", "egts_server.cli", "terminals", "commands",
                              "egts", "5004"], capture_output=True, text=True, env=env,
                             cwd=REPO)
    assert history.returncode == 0 and "confirmed   GETVER" in history.stdout
    # created at, in Vladivostok time with its offset (site.time_zone), not UTC
    assert re.match(r"\s*\d+  \d\d\.\d\d\.\d{4} \d\d:\d\d \(\+10:00\)  confirmed   GETVER",
                    history.stdout), history.stdout
    sheet = subprocess.run([sys.executable, "-m", "egts_server.cli", "terminals", "commands",
                            "egts:5004", "--format", "csv"], capture_output=True, text=True,
                           env=env, cwd=REPO)
    assert sheet.returncode == 0, sheet.stderr
    header, row = sheet.stdout.splitlines()[:2]  # text mode reads the \r\n as line ends
    assert header == ("\ufeff№;Создана;Кем;Команда;Статус;Попыток;Подтверждение;"
                      "Ответ терминала;Ответ (hex);Ошибка")
    cells = row.split(";")
    assert cells[2:5] == ["cli", "GETVER", "выполнена"] and cells[7] == "ver 2.1"
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d \(\+10:00\)", cells[1])


def test_cli_refuses_with_the_flag_named(served: Served) -> None:
    env = {"DATABASE_URL": served.dsn, "PATH": "/usr/bin:/bin"}
    bad = subprocess.run([sys.executable, "-m", "egts_server.cli", "terminals", "command",
                          "egts", "1", "--parameter", "0x10", "--action", "set"],
                         capture_output=True, text=True, env=env, cwd=REPO)
    assert bad.returncode == 2, bad.stderr
    assert bad.stderr.strip() == ("glonass-dispatch: terminals command: --value: для set нужно "
                                  "значение (или hex)")
    # the history's arguments are checked before the database is reached
    offline = {**env, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    other = subprocess.run([sys.executable, "-m", "egts_server.cli", "terminals", "commands",
                            "ndtp:5"], capture_output=True, text=True, env=offline, cwd=REPO)
    assert other.returncode == 2 and other.stderr.strip() == (
        "glonass-dispatch: terminals commands: commands go to EGTS and Teltonika terminals, "
        "not ndtp")
    unknown = subprocess.run([sys.executable, "-m", "egts_server.cli", "terminals", "command",
                              "egts", "nobody", "--text", "x"],
                             capture_output=True, text=True, env=env, cwd=REPO)
    assert unknown.returncode == 1 and "no terminal egts:nobody" in unknown.stderr


def test_api_refusals_and_withdrawal(served: Served, admin: dict[str, str]) -> None:
    """400 naming the field, 404, 409 for a non-EGTS terminal or a command already sent, 403
    for a dispatcher; a queued command can be withdrawn (204, then cancelled)."""
    env = {"DATABASE_URL": served.dsn, "PATH": "/usr/bin:/bin"}
    for protocol, identifier in (("egts", "5005"), ("ndtp", "777")):
        subprocess.run([sys.executable, "-m", "egts_server.cli", "terminals", "add", protocol,
                        identifier], check=True, capture_output=True, env=env, cwd=REPO)
    tid = terminal_id(served, admin, "5005")
    ndtp = terminal_id(served, admin, "777")
    status, body = api(served, admin, "POST", f"/api/terminals/{tid}/commands", {"text": ""})
    assert status == 400 and body["detail"] == {"field": "text"}
    status, _ = api(served, admin, "POST", "/api/terminals/999999/commands", {"text": "x"})
    assert status == 404
    status, _ = api(served, admin, "POST", "/api/terminals/egts:nobody/commands", {"text": "x"})
    assert status == 404
    status, by_name = api(served, admin, "POST", "/api/terminals/egts:5005/commands",
                          {"text": "y"})
    assert status == 201 and by_name["terminal_id"] == tid
    assert api(served, admin, "GET", f"/api/terminals/egts:5005/commands/{by_name['id']}"
               )[1]["summary"] == "y"
    status, body = api(served, admin, "POST", f"/api/terminals/{ndtp}/commands", {"text": "x"})
    assert status == 409 and "ndtp" in body["error"]
    status, _ = api(served, admin, "GET", f"/api/terminals/{tid}/bogus")
    assert status == 404
    dispatcher = sign_in(served, "ivanova", "zima-2026!")
    assert api(served, dispatcher, "POST", f"/api/terminals/{tid}/commands",
               {"text": "x"})[0] == 403
    _, command = api(served, admin, "POST", f"/api/terminals/{tid}/commands", {"text": "x"})
    path = f"/api/terminals/{tid}/commands/{command['id']}"
    assert api(served, admin, "DELETE", path)[0] == 204
    assert api(served, admin, "GET", path)[1]["status"] == "cancelled"
    status, body = api(served, admin, "DELETE", path)
    assert status == 409 and "cancelled" in body["error"]
