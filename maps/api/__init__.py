"""The JSON/GeoJSON/CSV API resources and the exports behind them.

``json_resource`` is what every resource shares (replies, errors, parsing, storage failures);
one module per resource under ``/api`` (``vehicles``, ``routes``, ``coverage``, ``acts``,
``evidence``, ``marks``, ``storms`` with the storm room's figures in ``storm_room``, ``alerts``,
``terminals``, ``users``, ``audit``), the public site's data (``public_site``,
``public_layers``, ``public_export``), the GTFS-Realtime feed, and the formats (``geojson``,
``exports``, ``audit_export``). SQL stays in ``db``.
May import ``db``, ``dispatch``, the model, the command vocabulary and the rest of ``maps``
below ``url_table`` and ``web``.
"""
