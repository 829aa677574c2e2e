"""What every connection of one telemetry listener shares, and the sweep over them.

``TelemetryFactory`` holds the writer, the registry, the clocks, the limits and the metrics;
refuses connections over the caps at accept time; sweeps every connection once per check
interval for passed deadlines (a slice of them per tick, so no tick is long); and stops them in
two steps at shutdown (stop reading, then close each once its due acknowledgements are out).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, ClassVar
from typing import Protocol as Interface

from twisted.internet.defer import Deferred, gatherResults
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.internet.protocol import ServerFactory
from twisted.logger import Logger

from db.positions import FixRow
from egts_server.metrics import CounterChild, IntakeMetrics
from egts_server.net.admission import Admit
from egts_server.net.archive import PacketArchive
from egts_server.net.limits import ConnectionCounter, IntakeLimits, Throttle
from egts_server.net.telemetry import TelemetryProtocol

__all__ = ["Clock", "TelemetryFactory", "Writer"]

Clock = Callable[[], datetime]


class Writer(Interface):
    """What connections need of ``sinks.BatchingWriter``: submit, and backpressure."""

    def submit(self, rows: list[FixRow]) -> Deferred[None]: ...

    def register_producer(self, producer: Any) -> None: ...

    def unregister_producer(self, producer: Any) -> None: ...


class TelemetryFactory(ServerFactory):
    """Shared by every connection of one listener: writer, registry, clocks, limits, metrics.

    ``counter`` is shared by all listeners of the process (one budget of file descriptors).
    """

    protocol: Callable[[Any, str], TelemetryProtocol]  # type: ignore[assignment]
    name: ClassVar[str] = "?"  # the protocol label of the metrics: "egts", "ndtp"
    noisy = False
    log = Logger()

    def __init__(self, writer: Writer, admit: Admit, clock: Clock,
                 limits: IntakeLimits | None = None, *, reactor: IReactorTime | None = None,
                 counter: ConnectionCounter | None = None,
                 metrics: IntakeMetrics | None = None,
                 archive: PacketArchive | None = None) -> None:
        if reactor is None:
            from twisted.internet import reactor as default_reactor

            reactor = default_reactor  # type: ignore[assignment]
        assert reactor is not None
        self.writer = writer
        self.admit = admit
        self.clock = clock
        self.limits = limits if limits is not None else IntakeLimits()
        self.reactor = reactor
        self.seconds = reactor.seconds
        self.counter = counter if counter is not None else ConnectionCounter(10**9, 10**9)
        self.metrics = metrics if metrics is not None else IntakeMetrics()
        self.archive = archive
        self.protocols: set[TelemetryProtocol] = set()
        self.packet_ok: CounterChild = self.metrics.packets.labels(self.name, "0")
        self.record_ok: CounterChild = self.metrics.records.labels(self.name, "0")
        self.metrics.connections.inc(0, self.name)
        self._refusals = Throttle(self.seconds, 1.0)
        self._sweep: IDelayedCall | None = None
        self._sweep_round: list[TelemetryProtocol] = []
        self._sweep_step = 1

    def buildProtocol(self, addr: Any) -> TelemetryProtocol | None:  # noqa: N802
        address = str(getattr(addr, "host", addr))
        refused = self.counter.acquire(address)
        if refused is not None:
            self.metrics.connections_refused.labels(self.name, refused.value).inc()
            held = self._refusals.allow()
            if held is not None:
                self.log.warn("{protocol} connection from {peer} refused ({reason}); {held} "
                              "more refused since the last message",
                              peer=f"{address}:{getattr(addr, 'port', '')}",
                              protocol=self.name.upper(), reason=refused.value, held=held)
            return None
        proto = self.protocol(self, address)
        proto.factory = self
        if self._sweep is None:
            self._sweep = self.reactor.callLater(self._sweep_interval(), self._sweep_tick)
        return proto

    # -- deadlines: one sweep over every connection per check interval, in slices --------------

    SWEEP_SLICES = 32  # each tick looks at 1/32 of the connections: short, evenly spread pauses

    def _sweep_interval(self) -> float:
        return self.limits.check_interval_s / self.SWEEP_SLICES

    def _sweep_tick(self) -> None:
        self._sweep = None
        if not self._sweep_round:
            if not self.protocols:
                return  # idle; the next connection starts the sweep again
            self._sweep_round = list(self.protocols)
            self._sweep_step = math.ceil(len(self._sweep_round) / self.SWEEP_SLICES)
        now = self.seconds()
        batch = self._sweep_round[-self._sweep_step:]
        del self._sweep_round[-self._sweep_step:]
        for proto in batch:
            proto.check(now)
        self._sweep = self.reactor.callLater(self._sweep_interval(), self._sweep_tick)

    def count_dropped(self, elements: Iterable[str], peer: str) -> None:
        """Malformed optional elements left out of fixes that were stored: counted by element
        in ``glonass_elements_dropped_total`` and logged."""
        for element in elements:
            self.metrics.elements_dropped.labels(self.name, element).inc()
            self.log.warn("{protocol} {peer}: malformed {element} left out; the fix is stored "
                          "with its raw bytes", protocol=self.name.upper(), peer=peer,
                          element=element)

    def stop_reading(self) -> None:
        """Shutdown, step one: no connection reads anything more."""
        for proto in list(self.protocols):
            proto.pause("shutdown")

    def finish_all(self, timeout_s: float) -> Deferred[None]:
        """Shutdown, step two: close each connection once its due acknowledgements are written;
        after ``timeout_s`` drop whatever is left. Fires when every connection is closed."""
        protos = list(self.protocols)
        done: Deferred[list[None]] = gatherResults([p.finish() for p in protos])
        timer = self.reactor.callLater(timeout_s, self._abort_all, protos)

        def settled(_: object) -> None:
            if timer.active():
                timer.cancel()

        return done.addBoth(settled)

    def _abort_all(self, protos: list[TelemetryProtocol]) -> None:
        left = [p for p in protos if p.open]
        if left:
            self.log.warn("shutdown: dropping {n} connections still waiting for commits",
                          n=len(left))
        for proto in left:
            proto.abort()
