"""Operators' commands: the three forms, the refusals (naming the field), the EGTS bytes."""

from __future__ import annotations

import struct
from typing import Any

import pytest

from egts_server.commands import (
    COMMAND_CODES,
    Action,
    Charset,
    CommandError,
    answer_text,
    check_protocol,
    decode_text,
    parse_command,
)
from egts_server.net.commands import QueuedCommand


def test_text_goes_as_raw_data_in_cp1251() -> None:
    spec = parse_command({"text": "ПАРАМ 1"})
    assert (spec.kind, spec.code, spec.action) == ("text", 0x0000, Action.PARAMETERS)
    assert spec.data == "ПАРАМ 1".encode("cp1251") and spec.charset == Charset.CP1251
    assert spec.summary == "ПАРАМ 1"


def test_text_outside_cp1251_goes_as_ucs2() -> None:
    spec = parse_command({"text": "snow ❄"})
    assert spec.charset == Charset.UCS2 and spec.data == "snow ❄".encode("utf-16-be")


def test_standard_command_by_name_or_number() -> None:
    by_name = parse_command({"command": "get_state"})
    by_code = parse_command({"command": "0x0010"})
    assert by_name.code == by_code.code == COMMAND_CODES["get_state"] == 0x0010
    assert by_code.summary == "get_state"
    with_data = parse_command({"command": "output_on", "hex": "0300"})
    assert with_data.data == b"\x03\x00" and with_data.summary == "output_on 0300"
    assert parse_command({"command": 0x4321}).summary == "0x4321"


def test_parameter_get_and_set() -> None:
    get = parse_command({"parameter": "0x0262"})
    assert (get.code, get.action, get.data) == (0x0262, Action.GET, b"")
    assert get.summary == "get parameter 0x0262"
    put = parse_command({"parameter": 610, "action": "set", "value": 60, "ttl_s": 120})
    assert (put.code, put.action, put.data, put.ttl_s) == (610, Action.SET, b"60", 120.0)
    raw = parse_command({"parameter": 610, "action": "set", "hex": "3c000000"})
    assert raw.data == b"\x3c\x00\x00\x00" and raw.charset == Charset.BINARY


@pytest.mark.parametrize(("raw", "field"), [
    ([], "command"),
    ({}, "command"),
    ({"text": "a", "command": "restart"}, "command"),
    ({"text": "  "}, "text"),
    ({"text": 5}, "text"),
    ({"text": "a", "hex": "00"}, "hex"),
    ({"text": "a", "colour": "red"}, "colour"),
    ({"command": "launch"}, "command"),
    ({"command": 70000}, "command"),
    ({"command": True}, "command"),
    ({"command": "restart", "value": "1"}, "value"),
    ({"command": "restart", "hex": "0g"}, "hex"),
    ({"command": "restart", "hex": 12}, "hex"),
    ({"parameter": "x"}, "parameter"),
    ({"parameter": 1, "action": "toggle"}, "action"),
    ({"parameter": 1, "action": "set"}, "value"),
    ({"parameter": 1, "action": "get", "value": "1"}, "value"),
    ({"parameter": 1, "action": "set", "value": "1", "hex": "01"}, "value"),
    ({"parameter": 1, "action": "set", "value": [1]}, "value"),
    ({"text": "a" * 1001}, "text"),
    ({"text": "a", "ttl_s": 0}, "ttl_s"),
    ({"text": "a", "ttl_s": 10 * 86400}, "ttl_s"),
    ({"text": "a", "ttl_s": "soon"}, "ttl_s"),
])
def test_refusals_name_the_field(raw: Any, field: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse_command(raw)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_answer_text_is_found_in_the_command_layout_or_alone() -> None:
    laid_out = struct.pack("<HBH", 0, 2 << 3, 0) + "Готово".encode("cp1251")
    assert answer_text(laid_out, Charset.CP1251) == "Готово"
    assert answer_text(b"OK", None) == "OK"
    assert answer_text(b"\x00\x01\x02", Charset.BINARY) is None
    assert decode_text(b"\xff\xfe\x00", Charset.ASCII) is None
    assert decode_text("ок".encode("utf-16-be"), Charset.UCS2) == "ок"


def test_teltonika_devices_take_ascii_text_commands_only() -> None:
    check_protocol(parse_command({"text": "setdigout 1"}), "teltonika")
    for form in ({"text": "getinfo"}, {"command": "restart"}, {"parameter": 610}):
        check_protocol(parse_command(form), "egts")
    refusals = [({"command": "restart"}, "teltonika", "command",
                 "Teltonika terminals take text commands only"),
                ({"parameter": 610}, "teltonika", "parameter",
                 "Teltonika terminals take text commands only"),
                ({"text": "статус"}, "teltonika", "text", "Teltonika commands are ASCII text"),
                ({"text": "getinfo"}, "wialon", "terminal",
                 "commands go to EGTS and Teltonika terminals, not wialon")]
    for raw, protocol, field, message in refusals:
        with pytest.raises(CommandError) as caught:
            check_protocol(parse_command(raw), protocol)
        assert (caught.value.field, caught.value.message) == (field, message)


class _Pool:
    """Runs each interaction at once, on no cursor (``db.commands`` is patched)."""

    def runInteraction(self, f: Any, *args: Any) -> Any:  # noqa: N802
        from twisted.internet.defer import maybeDeferred

        return maybeDeferred(f, None, *args)


class _Connection:
    terminal_id = 7

    def __init__(self, fail: bool = False) -> None:
        self.sent: list[QueuedCommand] = []
        self.fail = fail

    def send_command(self, command: QueuedCommand) -> None:
        if self.fail:
            raise RuntimeError("connection lost")
        self.sent.append(command)


@pytest.mark.parametrize("settle", [True, False])
def test_every_relay_polls_and_claims_but_only_a_settling_one_settles(
        monkeypatch: pytest.MonkeyPatch, settle: bool) -> None:
    from db import commands as queue
    from egts_server.net.commands import CommandRelay, CommandSettings

    calls: list[str] = []
    monkeypatch.setattr(queue, "settle_overdue", lambda *_: calls.append("settle") or 0)
    monkeypatch.setattr(queue, "due_terminals", lambda *_: calls.append("due") or [7])
    monkeypatch.setattr(queue, "claim", lambda *_: calls.append("claim") or [
        (1, 7, 0, Action.PARAMETERS, Charset.CP1251, b"X")])
    connection = _Connection()
    relay = CommandRelay(_Pool(), CommandSettings(), lambda: [connection], None,  # type: ignore[arg-type]
                         settle=settle)
    relay.run()
    assert calls == (["settle"] if settle else []) + ["due", "claim"]
    assert connection.sent == [QueuedCommand(1, 0, Action.PARAMETERS, Charset.CP1251, b"X")]


def test_a_relay_round_logs_a_failed_send_and_does_not_fail(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from twisted.logger import globalLogPublisher

    from db import commands as queue
    from egts_server.net.commands import CommandRelay, CommandSettings

    monkeypatch.setattr(queue, "settle_overdue", lambda *_: 0)
    monkeypatch.setattr(queue, "due_terminals", lambda *_: [7])
    monkeypatch.setattr(queue, "claim", lambda *_: [(1, 7, 0, 0, 0, b"")])
    events: list[dict[str, Any]] = []
    globalLogPublisher.addObserver(events.append)
    try:
        relay = CommandRelay(_Pool(), CommandSettings(),  # type: ignore[arg-type]
                             lambda: [_Connection(fail=True)], None)
        results: list[object] = []
        relay.run().addBoth(results.append)
    finally:
        globalLogPublisher.removeObserver(events.append)
    assert results == [None]
    assert any("connection lost" in str(e.get("error")) for e in events)

