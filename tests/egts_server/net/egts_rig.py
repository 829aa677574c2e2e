"""A socket-free EGTS adapter on a fake reactor, with a real writer over a store fired by hand
(``tests.writer_rig.ManualStore``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred, succeed
from twisted.internet.testing import MemoryReactorClock, StringTransport

from db.terminals import Admission
from egts_server.metrics import IntakeMetrics
from egts_server.model import DeviceKey
from egts_server.net.limits import CloseReason, ConnectionCounter, IntakeLimits
from egts_server.net.protocol import EgtsFactory, EgtsProtocol
from egts_server.sinks import BatchingWriter
from tests.builders import egts as build
from tests.writer_rig import ManualStore

T0 = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)


def admit(device: DeviceKey, imei: str | None, details: Mapping[str, str],
          address: str) -> Deferred[Admission]:
    return succeed(Admission(True, 7, 9, "active", "known terminal"))


class Rig:
    """A factory on a fake reactor with a hand-driven store."""

    def __init__(self, limits: IntakeLimits | None = None, *, max_queue: int = 50000,
                 counter: ConnectionCounter | None = None) -> None:
        self.reactor = MemoryReactorClock()
        self.store = ManualStore()
        self.metrics = IntakeMetrics()
        self.writer = BatchingWriter(self.store, self.reactor, max_queue=max_queue,
                                     metrics=self.metrics)
        self.factory = EgtsFactory(self.writer, admit, lambda: T0, limits or IntakeLimits(),
                                   reactor=self.reactor, counter=counter, metrics=self.metrics)

    def connect(self, host: str = "10.0.0.1") -> tuple[EgtsProtocol, StringTransport]:
        addr = IPv4Address("TCP", host, 40000)
        proto = self.factory.buildProtocol(addr)
        assert proto is not None
        transport = StringTransport(peerAddress=addr)
        proto.makeConnection(transport)
        return proto, transport

    def closed(self, reason: CloseReason) -> float:
        return self.metrics.connections_closed.value("egts", reason.value)


def fixes_packet(pid: int, first_rn: int, count: int, oid: int = 4242) -> bytes:
    records = [build.pos_record(rn=first_rn + k, oid=oid, time=T0 + timedelta(seconds=pid * 60 + k))
               for k in range(count)]
    return build.packet(pid=pid, records=records)


def replies(transport: StringTransport) -> list[tuple[int, int]]:
    """(RPID, PR) of every PT_RESPONSE written so far."""
    out, data = [], transport.value()
    while data:
        hl, fdl = data[3], int.from_bytes(data[5:7], "little")
        size = hl + fdl + (2 if fdl else 0)
        frame, data = data[:size], data[size:]
        if frame[9] == 0:
            out.append((int.from_bytes(frame[hl:hl + 2], "little"), frame[hl + 2]))
    return out
