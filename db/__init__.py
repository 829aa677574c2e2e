"""PostGIS: the only place that writes SQL.

Numbered migrations and the code that applies them, the embedded local cluster, the connection
pools, the batch insert of positions, the queues (terminal commands, retranslation) and the
read queries that the API, the pages and the CLI use. Functions take a cursor or a DSN and plain
values and return plain values or ``dispatch``/``model`` types. May import
``egts_server.model`` and ``dispatch`` only: no codec, no listeners, no web.
"""
