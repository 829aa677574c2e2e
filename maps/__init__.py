"""What people see: the HTTP API, the pages and the sign-in around them.

``api/`` holds the JSON, GeoJSON and CSV resources and the exports they share with the command
line; ``pages/`` the HTML pages (the live map, the dispatcher's and admins' pages, the public
map, the storm act); ``auth/`` the access rule table, the gate, sign-in and accounts. Here, at
the top: ``url_table`` (every URL path and its resource), ``web`` (mounts the table behind the
gate), ``served`` (fixed pages and the static folder), ``settings`` (the web side's settings,
which ``egts_server.config`` composes), ``styles`` (how things look on every map), ``assets``
and ``vendor`` (the browser libraries in ``static/``, vendored at build time),
``coverage_cache`` and ``metrics`` (``/metrics``).
May import ``db``, ``dispatch``, ``egts_server.model`` and ``egts_server.commands``; it reads
storage only through ``db`` and receives everything from the intake side (settings, resources,
callables) from the application root.
"""
