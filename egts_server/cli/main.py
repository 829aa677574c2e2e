"""The console script's parser, built from one module per command group, and its entry point."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from db.errors import StorageError
from dispatch.registry_input import InputError
from egts_server.cli.audit import add_audit_command
from egts_server.cli.database import add_db_command
from egts_server.cli.dispatch import add_dispatch_commands
from egts_server.cli.maps_export import add_maps_command
from egts_server.cli.serve import add_serve_command
from egts_server.cli.simulate import add_simulate_command
from egts_server.cli.terminals import add_terminals_command
from egts_server.cli.users import add_user_commands
from egts_server.cli.vehicles import add_vehicles_command
from egts_server.config import ConfigError, Settings, load_settings

Command = Callable[[argparse.Namespace, Settings], int]


def _project_dir() -> Path:
    """Where ``var/`` lives: GLONASS_DISPATCH_HOME, else the current directory."""
    return Path(os.environ.get("GLONASS_DISPATCH_HOME", ".")).resolve()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="glonass-dispatch",
        description="Fleet tracking and snow-clearing dispatch server "
                    "(EGTS intake, PostGIS, maps).")
    parser.add_argument("--config", help="TOML configuration file "
                        "(default: $GLONASS_DISPATCH_CONFIG, else built-in defaults)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_serve_command(sub)
    add_db_command(sub)
    add_terminals_command(sub)
    add_vehicles_command(sub)
    add_user_commands(sub)
    add_audit_command(sub)
    add_maps_command(sub)
    add_simulate_command(sub)
    add_dispatch_commands(sub)  # routes, coverage, acts, storms, report
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = args.config or os.environ.get("GLONASS_DISPATCH_CONFIG")
        settings = load_settings(config, os.environ, project_dir=_project_dir())
        func: Command = args.func
        return func(args, settings)
    except (ConfigError, StorageError, InputError) as e:
        print(f"glonass-dispatch: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`... | head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second one at exit
        return 0

