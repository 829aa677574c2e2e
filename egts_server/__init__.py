"""Telemetry intake and the application that assembles the whole server.

What lives here, from the bottom up:

* ``model``: ``Position`` and the other protocol-neutral values every layer shares; imports
  nothing of ours.
* ``codec/``: pure EGTS, NDTP and NIS SOAP codecs; may import only ``model``.
* ``commands``: the operators' command vocabulary (parsing, codes, text in the terminals'
  charsets); pure, imports only ``model``, so the API in ``maps`` may use it too.
* ``metrics``, ``periodic``, ``sinks``: the Prometheus registry, a periodic Twisted service and
  the batching position writer; the intake's own helpers, below ``net``.
* ``net/``: the Twisted listeners; may import ``codec``, ``model``, ``db`` and the helpers above.
* ``retranslator/``: the EGTS client that forwards stored fixes upstream; may import ``codec``,
  ``model``, ``db`` and the helpers above.
* ``simulator/``: demo terminals that speak the real protocols over TCP.
* ``alert_watch``: the alert job (a ``periodic`` service over ``db`` and ``dispatch``'s alert
  sources), with its settings; only the application root imports it.
* The application root (``config``, ``database``, ``app``, ``serve``, ``cli*``): loads the
  settings and assembles every layer, ``maps`` included; nothing below imports it. Settings
  types live with the code they configure (``net.commands.CommandSettings``,
  ``retranslator.settings``, ``alert_watch.AlertSettings``) and ``config`` composes them.

``make lint`` enforces these rules with import-linter (contracts in ``pyproject.toml``).
"""
