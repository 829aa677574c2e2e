"""``glonass-dispatch terminals``: the terminal registry (commands are in ``terminal_commands``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from db import terminals as terminal_registry
from dispatch.registry_input import TERMINAL_PROTOCOLS, check_terminal
from egts_server.cli.terminal_commands import add_command_commands
from egts_server.config import Settings
from egts_server.database import connect


def add_terminals_command(sub: Any) -> None:
    term = sub.add_parser("terminals", help="list, add or remove terminals; send commands")
    term_sub = term.add_subparsers(dest="action", required=True)
    term_sub.add_parser("list", help="list terminals")
    add = term_sub.add_parser("add", help="register a terminal")
    add.add_argument("protocol", choices=TERMINAL_PROTOCOLS)
    add.add_argument("identifier", help="EGTS TID (or IMEI), NDTP device id, NIS ObjectID, "
                                        "Wialon IPS id, Teltonika IMEI, OsmAnd id")
    add.add_argument("--imei")
    add.add_argument("--vehicle", type=int, help="vehicle id the terminal is fitted to")
    rm = term_sub.add_parser("remove", help="remove a terminal")
    rm.add_argument("protocol", choices=TERMINAL_PROTOCOLS)
    rm.add_argument("identifier")
    add_command_commands(term_sub)
    term.set_defaults(func=cmd_terminals)


def cmd_terminals(args: argparse.Namespace, settings: Settings) -> int:
    with connect(settings) as conn, conn.cursor() as cur:
        if args.action == "list":
            for t in terminal_registry.list_terminals(cur):
                device = f"{t['protocol']}:{t['identifier']}"
                print(f"{t['id']:>5}  {device:<26} imei={t['imei'] or '-':<16}"
                      f" {t['status']:<10} vehicle={t['vehicle'] or '-'}"
                      f" address={t['last_address'] or '-'}")
        elif args.action == "add":
            terminal = check_terminal(args.protocol, args.identifier, args.imei)
            new_id = terminal_registry.register_terminal(cur, terminal, args.vehicle)
            print(f"terminal {new_id} added")
        elif args.action == "remove":
            if not terminal_registry.remove_terminal(cur, args.protocol, args.identifier):
                print(f"glonass-dispatch: no terminal {args.protocol}:{args.identifier}",
                      file=sys.stderr)
                return 1
            print("removed")
    return 0
