"""The Twisted side of telemetry intake: listeners, connections and what runs beside them.

``telemetry`` is one connection whatever the protocol (acknowledgement after commit, in arrival
order; backpressure; limits; metrics), built from ``acks``, ``admission``, ``flow`` and
``deadlines`` (no I/O of their own) and shared through ``factory``; ``protocol`` (EGTS) and
``ndtp`` put a codec on it,
``nis`` takes NIS SOAP batches over HTTP (the web site mounts it at ``/nis``),
``service`` listens and stops gracefully, ``commands`` relays operator commands to connected
terminals; the archive, the garbage-collector schedule, the loop-lag probe and the extra intake
processes complete it. May import ``codec``, ``model``, ``db``, the command vocabulary
(``commands``) and the intake helpers (``metrics``, ``periodic``, ``sinks``); never ``maps``,
the retranslator or the application root.
"""
