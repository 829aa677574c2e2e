"""``glonass-dispatch users``: accounts of dispatchers, auditors and admins.

Every change that takes rights away (disable, remove, a new role or password) also ends the
account's open sessions, so its next request is refused or sees the new role. Passwords come
from a prompt on a terminal or, for scripts, from the first line of standard input
(``--password-stdin``); never from the command line, where ``ps`` would show them.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any
from zoneinfo import ZoneInfo

from db import users
from egts_server.config import ConfigError, Settings


def add_user_commands(sub: Any) -> None:
    """Register ``users`` and its actions on the main parser's subparsers."""
    usr = sub.add_parser("users", help="accounts: add, list, set-role, disable, enable, "
                                       "remove, passwd")
    actions = usr.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add an account (password from a prompt or stdin)")
    add.add_argument("login")
    add.add_argument("--role", choices=users.ROLES, default="dispatcher")
    actions.add_parser("list", help="accounts with role, state, creation and last sign-in")
    role = actions.add_parser("set-role", help="change an account's role; ends its sessions")
    role.add_argument("login")
    role.add_argument("role", choices=users.ROLES)
    for name, text in (("disable", "refuse the account's sign-ins; ends its sessions"),
                       ("enable", "let a disabled account sign in again"),
                       ("remove", "delete the account; ends its sessions")):
        actions.add_parser(name, help=text).add_argument("login")
    passwd = actions.add_parser("passwd", help="set an account's password; ends its sessions")
    passwd.add_argument("login")
    for parser in (add, passwd):
        parser.add_argument("--password-stdin", action="store_true",
                            help="read the password from the first line of standard input")
    usr.set_defaults(func=cmd_users)


def cmd_users(args: argparse.Namespace, settings: Settings) -> int:
    from egts_server.database import connect
    from maps.auth.passwords import hash_password

    if args.action == "list":
        with connect(settings) as conn, conn.cursor() as cur:
            _print_accounts(users.list_accounts(cur), settings.site.zone)
        return 0
    login = args.login
    try:
        if args.action == "add":
            users.check_login(login)
        password_hash = (hash_password(read_password(args.password_stdin))
                         if args.action in ("add", "passwd") else "")
        with connect(settings) as conn, conn.cursor() as cur:
            found = _change(cur, args, password_hash)
    except users.AccountError as e:
        raise ConfigError(f"users {args.action}: {e.message}") from e
    if not found:
        print(f"glonass-dispatch: no user {login!r}", file=sys.stderr)
        return 1
    print(f"{login}: {_DONE[args.action]}")
    return 0


_DONE = {"add": "added",
         "passwd": "password changed; their sessions are closed",
         "set-role": "role changed; their sessions are closed",
         "disable": "disabled; their sessions are closed",
         "enable": "enabled",
         "remove": "removed; their sessions are closed"}


def _change(cur: Any, args: argparse.Namespace, password_hash: str) -> bool:
    """Do ``args.action`` to the account; False when there is no such account."""
    login = args.login
    if args.action == "add":
        users.add_user(cur, login, password_hash, args.role)
        return True
    if args.action == "passwd":
        return users.set_password(cur, login, password_hash)
    if args.action == "set-role":
        return users.set_role(cur, login, args.role)
    if args.action in ("disable", "enable"):
        return users.set_disabled(cur, login, args.action == "disable")
    return users.remove_user(cur, login)


def _print_accounts(accounts: list[users.Account], zone: ZoneInfo) -> None:
    from dispatch.local_time import local_text

    print(f"{'login':<20} {'role':<11} {'state':<9} {'created':<26} last sign-in")
    for a in accounts:
        state = "disabled" if a.disabled else "enabled"
        print(f"{a.login:<20} {a.role:<11} {state:<9} {local_text(a.created_at, zone):<26} "
              f"{local_text(a.last_sign_in_at, zone) or '-'}")


def read_password(from_stdin: bool) -> str:
    """The first line of stdin, or typed twice at a prompt when stdin is a terminal."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not sys.stdin.isatty():
        raise ConfigError("no terminal to ask for the password: pipe it in with "
                          "--password-stdin")
    else:
        import getpass

        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise ConfigError("the passwords differ")
    return users.check_password(password)
