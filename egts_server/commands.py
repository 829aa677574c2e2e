"""Commands to terminals as an operator asks for them, checked and turned into EGTS values.

A command comes from the CLI or the API as a small JSON object; ``parse_command`` checks it and
names the offending field (``CommandError``). Three forms (GOST 33472 App. В, COMMANDS
service, EGTS_SR_COMMAND_DATA with CT_COM):

* ``{"text": "..."}``: a free-text command in the terminal's own command language, sent as
  EGTS_RAW_DATA (CCD 0x0000, ACT 0), in CP1251 when it fits, else UCS-2;
* ``{"command": "get_state", "hex": "..."}``: a command of the standard list by name or number
  (``COMMAND_CODES``), with optional data bytes;
* ``{"parameter": 610, "action": "get" | "set" | "add" | "delete", "value": "..." | "hex": ...}``:
  read or change a terminal parameter (ACT 1-4; the value is text in CP1251, or exact bytes).

``ttl_s`` (optional) bounds how long the command waits for its terminal to connect.

EGTS terminals take all three forms; Teltonika devices only text, in ASCII (a Codec 12 GPRS
command such as ``getinfo`` or ``setdigout 1``): ``check_protocol``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Final

from egts_server.model import CommandSpec

#: EGTS command codes (CCD) of the standard list that terminals commonly implement.
COMMAND_CODES: Final[Mapping[str, int]] = {
    "raw_data": 0x0000,  # transparent data: the terminal's own command language
    "test_mode": 0x0001,
    "config_reset": 0x0006,
    "set_auth_code": 0x0007,
    "restart": 0x0008,
    "output_on": 0x0009,  # EGTS_FLEET_DOUT_ON: data = outputs bitmask
    "output_off": 0x000A,  # EGTS_FLEET_DOUT_OFF
    "get_outputs": 0x000B,
    "get_position": 0x000C,  # answered with a fresh POS_DATA as well
    "get_sensors": 0x000D,
    "get_loop_inputs": 0x000E,
    "get_counters": 0x000F,
    "get_state": 0x0010,
    "reset_odometer": 0x0011,
}


class Action(enum.IntEnum):
    """ACT of a CT_COM body."""

    PARAMETERS = 0  # a command, with its parameters in DT
    GET = 1  # query a parameter's value
    SET = 2
    ADD = 3
    DELETE = 4


class Charset(enum.IntEnum):
    """CHS values this server sends."""

    CP1251 = 0
    ASCII = 1
    BINARY = 2
    UCS2 = 8


#: What each command status is called on the admins' page and in CSV files.
STATUS_LABELS: Final[Mapping[str, str]] = {
    "queued": "в очереди", "sent": "отправлена", "delivered": "доставлена",
    "in_progress": "выполняется", "confirmed": "выполнена", "failed": "ошибка",
    "expired": "просрочена", "cancelled": "отменена",
}
PARAMETER_ACTIONS: Final = {"get": Action.GET, "set": Action.SET, "add": Action.ADD,
                             "delete": Action.DELETE}
MAX_DATA_BYTES: Final = 1000  # far below a packet's 65 KiB; terminals take a few hundred at most
MAX_TTL_S: Final = 7 * 86400.0


#: The protocols whose terminals take commands, and the forms each takes.
FORMS_BY_PROTOCOL: Final[Mapping[str, tuple[str, ...]]] = {
    "egts": ("text", "command", "parameter"),
    "teltonika": ("text",),  # Codec 12 carries a text command and a text answer
}
PROTOCOL_NAMES: Final[Mapping[str, str]] = {"egts": "EGTS", "teltonika": "Teltonika"}


class CommandError(ValueError):
    """A command that cannot be sent; ``field`` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def parse_command(raw: Any) -> CommandSpec:
    """Check an operator's command object; ``CommandError`` names what is wrong."""
    if not isinstance(raw, Mapping):
        raise CommandError("command", "ожидается объект JSON")
    forms = [key for key in ("text", "command", "parameter") if key in raw]
    if len(forms) != 1:
        raise CommandError("command", "укажите что-то одно: text, command или parameter")
    known = {"text", "command", "parameter", "action", "value", "hex", "ttl_s"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise CommandError(unknown[0], "неизвестное поле")
    ttl = _ttl(raw.get("ttl_s"))
    if forms[0] == "text":
        return _text(raw, ttl)
    if forms[0] == "command":
        return _named(raw, ttl)
    return _parameter(raw, ttl)


def check_protocol(spec: CommandSpec, protocol: str) -> None:
    """``CommandError`` when a terminal speaking ``protocol`` cannot take ``spec`` (the field
    is ``terminal`` when it takes no commands at all)."""
    forms = FORMS_BY_PROTOCOL.get(protocol)
    if forms is None:
        raise CommandError("terminal", not_commanded(protocol))
    if spec.kind not in forms:
        raise CommandError(spec.kind, f"{PROTOCOL_NAMES[protocol]} terminals take "
                                      f"{' or '.join(forms)} commands only")
    if protocol == "teltonika" and not spec.data.isascii():
        raise CommandError("text", "Teltonika commands are ASCII text")


def not_commanded(protocol: str) -> str:
    """Why a terminal speaking ``protocol`` gets no commands."""
    return f"commands go to {' and '.join(PROTOCOL_NAMES.values())} terminals, not {protocol}"


def _text(raw: Mapping[str, Any], ttl: float | None) -> CommandSpec:
    text = raw["text"]
    if not isinstance(text, str) or not text.strip():
        raise CommandError("text", "введите текст команды")
    for extra in ("action", "value", "hex"):
        if extra in raw:
            raise CommandError(extra, "не используется с текстовой командой")
    data, charset = encode_text(text)
    return CommandSpec(kind="text", code=COMMAND_CODES["raw_data"], action=Action.PARAMETERS,
                       data=_bounded("text", data), charset=charset, summary=text, ttl_s=ttl)


def _named(raw: Mapping[str, Any], ttl: float | None) -> CommandSpec:
    name = raw["command"]
    if isinstance(name, str) and name in COMMAND_CODES:
        code = COMMAND_CODES[name]
    else:
        code = _code("command", name)
        name = next((n for n, c in COMMAND_CODES.items() if c == code), f"0x{code:04x}")
    for extra in ("action", "value"):
        if extra in raw:
            raise CommandError(extra, "не используется со стандартной командой "
                                      "(её данные задаются в hex)")
    data = _hex(raw.get("hex"))
    summary = name + (f" {data.hex()}" if data else "")
    return CommandSpec(kind="command", code=code, action=Action.PARAMETERS, data=data,
                       charset=Charset.BINARY, summary=summary, ttl_s=ttl)


def _parameter(raw: Mapping[str, Any], ttl: float | None) -> CommandSpec:
    code = _code("parameter", raw["parameter"])
    action_name = raw.get("action", "get")
    if action_name not in PARAMETER_ACTIONS:
        raise CommandError("action", f"одно из: {', '.join(PARAMETER_ACTIONS)}")
    action = PARAMETER_ACTIONS[action_name]
    if "value" in raw and "hex" in raw:
        raise CommandError("value", "укажите значение или hex, но не оба")
    if "value" in raw:
        value = raw["value"]
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise CommandError("value", "значение — текст или число")
        data, charset = encode_text(str(value))
        shown = str(value)
    else:
        data, charset = _hex(raw.get("hex")), Charset.BINARY
        shown = data.hex()
    if action in (Action.SET, Action.ADD) and not data:
        raise CommandError("value", f"для {action_name} нужно значение (или hex)")
    if action == Action.GET and data:
        raise CommandError("value", "чтение параметра (get) идёт без значения")
    summary = f"{action_name} parameter 0x{code:04x}" + (f" = {shown}" if data else "")
    return CommandSpec(kind="parameter", code=code, action=action,
                       data=_bounded("value", data), charset=charset, summary=summary,
                       ttl_s=ttl)


def encode_text(text: str) -> tuple[bytes, Charset]:
    """CP1251 (what Russian terminals read) when every character fits, else UCS-2."""
    try:
        return text.encode("cp1251"), Charset.CP1251
    except UnicodeEncodeError:
        return text.encode("utf-16-be"), Charset.UCS2


def decode_text(data: bytes, charset: int | None) -> str | None:
    """Readable text of a terminal's answer, or None when it is not text."""
    codecs: dict[int, str] = {Charset.ASCII: "ascii", Charset.UCS2: "utf-16-be"}
    codec = codecs.get(charset or 0, "cp1251")
    if charset == Charset.BINARY or not data:
        return None
    try:
        text = data.decode(codec).rstrip("\x00")
    except UnicodeDecodeError:
        return None
    return text if text and all(c.isprintable() or c in "\r\n\t" for c in text) else None


def answer_text(data: bytes, charset: int | None) -> str | None:
    """The text in a COMCONF's CD: the DT after ADR, SZ|ACT and CCD (the layout of an
    answered command), else the whole CD when that is text; None when there is none."""
    text = decode_text(data[5:], charset) if len(data) > 5 else None
    return text if text is not None else decode_text(data, charset)


def _code(field: str, value: Any) -> int:
    if isinstance(value, str):
        try:
            value = int(value, 0)
        except ValueError:
            names = f"; имена: {', '.join(COMMAND_CODES)}" if field == "command" else ""
            raise CommandError(field, f"«{value}» — не код{names}") from None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 0xFFFF:
        raise CommandError(field, "код — число от 0 до 65535 (0x0000–0xFFFF)")
    return value


def _hex(value: Any) -> bytes:
    if value is None:
        return b""
    if not isinstance(value, str):
        raise CommandError("hex", "ожидается строка шестнадцатеричных цифр")
    try:
        return _bounded("hex", bytes.fromhex(value))
    except ValueError:
        raise CommandError("hex", "нужно чётное число шестнадцатеричных цифр (0–9, a–f)") from None


def _bounded(field: str, data: bytes) -> bytes:
    if len(data) > MAX_DATA_BYTES:
        raise CommandError(field, f"{len(data)} байт; не больше {MAX_DATA_BYTES}")
    return data


def _ttl(value: Any) -> float | None:
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) \
            or not 0 < value <= MAX_TTL_S:
        raise CommandError("ttl_s", f"секунды: больше 0 и не больше {MAX_TTL_S:.0f}")
    return float(value)
