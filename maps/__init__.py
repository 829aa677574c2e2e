"""What people see: the HTTP API resources, the Folium pages and the sign-in around them.

The JSON/GeoJSON API (vehicles, tracks, routes, coverage, marks, storms, terminals), the live map
and the dispatcher's pages (``pages/``), the public city-site export, the GTFS-Realtime feed,
sign-in, roles and access rules, and the vendored browser libraries served from ``static/``.
May import ``db``, ``dispatch`` and ``egts_server.model``; it reads storage only through ``db``
and receives everything from the intake side (settings, callables) from the application root.
"""
