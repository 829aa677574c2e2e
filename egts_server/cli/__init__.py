"""The console script ``glonass-dispatch``: one module per command group, parsed in ``main``.

Each group module (``serve``, ``database``, ``terminals`` with ``terminal_commands``,
``vehicles`` with ``assign``, ``users``, ``audit``, ``maps_export``, ``simulate``, ``dispatch``
for routes, coverage, acts, storms and reports) adds its subcommands to the parser and does the
work through ``db``, ``dispatch`` and ``maps``; ``times`` reads the times people type. Output
goes to stdout, errors to stderr with a non-zero exit status. Part of the application root: may
import everything; nothing but the tests imports it.
"""

from egts_server.cli.main import main

__all__ = ["main"]
