"""``glonass-dispatch terminals command|commands``: send a command to a terminal (EGTS or
Teltonika), follow it.

The flags are the API's fields (``egts_server.commands``), so the CLI and
``POST /api/terminals/{id}/commands`` accept the same commands and refuse them with the same
messages. The command is queued in the database; the ``serve`` process that holds the
terminal's connection sends it within ``commands.poll_interval_s``.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from dispatch.local_time import local_text
from dispatch.sheets import sheet_csv
from egts_server.commands import (
    COMMAND_CODES,
    FORMS_BY_PROTOCOL,
    PARAMETER_ACTIONS,
    STATUS_LABELS,
    CommandError,
    check_protocol,
    not_commanded,
    parse_command,
)
from egts_server.config import ConfigError, Settings

FINAL = frozenset({"confirmed", "failed", "expired", "cancelled"})
EXIT_PENDING = 3  # --wait ran out before a final answer


def add_command_commands(terminal_commands: Any) -> None:
    """Register ``command`` and ``commands`` under ``terminals`` (an argparse subparsers)."""
    p: argparse.ArgumentParser = terminal_commands.add_parser(
        "command", help="send a command to an EGTS terminal (text, standard or parameter) or a "
                        "Teltonika device (text, e.g. getinfo)",
        description="Queue a command for an EGTS terminal or a Teltonika device; it goes out "
                    "on the terminal's connection and its answer is recorded. Exit status "
                    "with --wait: 0 confirmed, 1 failed/expired, 3 no final answer yet.")
    p.add_argument("target", nargs="+", metavar="TERMINAL [TEXT]",
                   help="the terminal: its TID or IMEI, egts:TID, egts TID, teltonika:IMEI or "
                        "teltonika IMEI; then, instead of --text, the text of the command")
    form = p.add_mutually_exclusive_group()
    form.add_argument("--text", help="free text in the terminal's own command language")
    form.add_argument("--command", metavar="NAME|CODE",
                      help=f"a standard command: {', '.join(COMMAND_CODES)}, or its code")
    form.add_argument("--parameter", metavar="CODE", help="a parameter code, e.g. 0x0262")
    p.add_argument("--action", choices=tuple(PARAMETER_ACTIONS),
                   help="with --parameter (default get)")
    p.add_argument("--value", help="with --parameter set/add: the value, as text")
    p.add_argument("--hex", help="data bytes in hex (a --command's data, or a parameter value)")
    p.add_argument("--ttl", type=float, metavar="S",
                   help="seconds the command waits for the terminal to connect "
                        "(default commands.default_ttl_s)")
    p.add_argument("--wait", type=float, default=0.0, metavar="S",
                   help="wait up to S seconds for the terminal's answer, printing each step")
    p.set_defaults(func=cmd_command)

    h: argparse.ArgumentParser = terminal_commands.add_parser(
        "commands", help="a terminal's latest commands and what became of them")
    h.add_argument("target", nargs="+", metavar="TERMINAL",
                   help="its TID or IMEI, egts:TID, egts TID, teltonika:IMEI or teltonika IMEI")
    h.add_argument("--limit", type=int, default=20)
    h.add_argument("--format", choices=("table", "csv"), default="table",
                   help="csv: UTF-8 with BOM, ';' separators, Russian headers and statuses, "
                        "local times")
    h.set_defaults(func=cmd_history)


def cmd_command(args: argparse.Namespace, settings: Settings) -> int:
    from db import commands as queue
    from egts_server.database import connect

    protocol, identifier, text = terminal_and_text(args.target)
    raw: dict[str, Any] = {} if text is None else {"text": text}
    if text is not None and args.text is not None:
        raise ConfigError("terminals command: give the text once (as TEXT or --text)")
    for flag in ("text", "command", "parameter", "action", "value", "hex"):
        if getattr(args, flag) is not None:
            raw[flag] = getattr(args, flag)
    if args.ttl is not None:
        raw["ttl_s"] = args.ttl
    try:
        spec = parse_command(raw)
        check_protocol(spec, protocol)
    except CommandError as e:
        flag = "--ttl" if e.field == "ttl_s" else f"--{e.field}"
        raise ConfigError(f"terminals command: {flag}: {e.message}") from e
    ttl = spec.ttl_s if spec.ttl_s is not None else settings.commands.default_ttl_s
    with connect(settings) as conn, conn.cursor() as cur:
        terminal_id = _terminal(cur, protocol, identifier)
        if terminal_id is None:
            return 1
        command = queue.enqueue(cur, terminal_id, spec, ttl, "cli")
    print(f"command {command['id']} queued for {command['terminal']}: {command['summary']}")
    if args.wait <= 0:
        return 0
    return _follow(settings, command["id"], args.wait)


def _follow(settings: Settings, command_id: int, wait_s: float) -> int:
    """Print each change of the command's status until it is final or ``wait_s`` passes."""
    from db import commands as queue
    from egts_server.database import connect

    deadline = time.monotonic() + wait_s
    shown = "queued"
    with connect(settings) as conn:
        conn.autocommit = True
        with conn.cursor() as cur:
            while True:
                command = queue.get_command(cur, command_id)
                if command is None:
                    print(f"glonass-dispatch: command {command_id} is gone", file=sys.stderr)
                    return 1
                if command["status"] != shown:
                    shown = command["status"]
                    print(_describe(command))
                if shown in FINAL:
                    return 0 if shown == "confirmed" else 1
                if time.monotonic() >= deadline:
                    print(f"no final answer within {wait_s:g} s; it stays {shown} "
                          f"(see `terminals commands`)", file=sys.stderr)
                    return EXIT_PENDING
                time.sleep(0.5)


def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    from db import commands as queue
    from egts_server.database import connect

    protocol, identifier, extra = terminal_and_text(args.target, "terminals commands")
    if extra is not None:
        raise ConfigError(f"terminals commands: unexpected {extra!r} after the terminal")
    zone = settings.site.zone
    with connect(settings) as conn, conn.cursor() as cur:
        terminal_id = _terminal(cur, protocol, identifier)
        if terminal_id is None:
            return 1
        commands = queue.list_commands(cur, terminal_id, args.limit)
    if args.format == "csv":
        sys.stdout.write(history_csv(commands, zone))
        return 0
    for command in commands:
        print(f"{command['id']:>6}  {_created(command, zone)}  {_describe(command)}")
    return 0


HISTORY_HEADERS: Final = ("№", "Создана", "Кем", "Команда", "Статус", "Попыток",
                          "Подтверждение", "Ответ терминала", "Ответ (hex)", "Ошибка")


def history_csv(commands: list[dict[str, Any]], zone: ZoneInfo) -> str:
    """A terminal's commands for a Russian spreadsheet, newest first."""
    return sheet_csv(HISTORY_HEADERS, ([
        c["id"], _created(c, zone), c["created_by"], c["summary"],
        STATUS_LABELS.get(c["status"], c["status"]), c["attempts"], c["confirmation"],
        c["result_text"], c["result_hex"], c["error"]] for c in commands))


def _created(command: dict[str, Any], zone: ZoneInfo) -> str:
    return local_text(datetime.fromisoformat(command["created_at"]), zone)


def terminal_and_text(words: list[str],
                      subcommand: str = "terminals command") -> tuple[str, str, str | None]:
    """``1001 [TEXT...]``, ``egts:1001 [TEXT...]``, ``egts 1001 [TEXT...]``, or the same with
    ``teltonika`` and an IMEI: the protocol (EGTS when none is named), the terminal's identifier
    and the text after it, if any. Errors name ``subcommand``."""
    if words[0] in FORMS_BY_PROTOCOL and len(words) > 1:
        words = [f"{words[0]}:{words[1]}", *words[2:]]
    protocol, _, identifier = words[0].rpartition(":")
    protocol = protocol or "egts"
    if protocol not in FORMS_BY_PROTOCOL:
        raise ConfigError(f"{subcommand}: {not_commanded(protocol)}")
    if not identifier:
        raise ConfigError(f"{subcommand}: name the terminal (its TID or IMEI)")
    return protocol, identifier, " ".join(words[1:]) or None


def _terminal(cur: Any, protocol: str, identifier: str) -> int | None:
    """The id of the terminal ``protocol:identifier``; None (and a message) if unknown."""
    from db import terminals

    found = terminals.find_terminal(cur, protocol, identifier)
    if found is None:
        print(f"glonass-dispatch: no terminal {protocol}:{identifier}", file=sys.stderr)
    return found


def _describe(command: dict[str, Any]) -> str:
    text = f"{command['status']:<11} {command['summary']}"
    if command["confirmation"]:
        text += f"  [answer: {command['confirmation']}]"
    if command["result_text"]:
        text += f"  {command['result_text']!r}"
    elif command["result_hex"]:
        text += f"  0x{command['result_hex']}"
    if command["error"] and command["status"] in ("failed", "expired"):
        text += f"  ({command['error']})"
    return text
