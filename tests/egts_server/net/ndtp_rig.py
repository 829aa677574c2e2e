"""A socket-free NDTP adapter on a fake clock, with a writer and a registry driven by hand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred, succeed
from twisted.internet.task import Clock
from twisted.internet.testing import StringTransport

from db.positions import FixRow
from db.terminals import Admission
from egts_server.model import DeviceKey
from egts_server.net.limits import IntakeLimits
from egts_server.net.ndtp import NdtpFactory, NdtpProtocol
from tests.builders import ndtp as build

NOW = datetime(2026, 2, 3, 8, 0, tzinfo=UTC)
ACCEPTED = Admission(True, 7, 9, "active", "known terminal")
REFUSED = Admission(False, None, None, "unknown", "unknown terminal")


class ManualWriter:
    """Each submit returns a Deferred the test fires (``commit``) or leaves pending."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[FixRow], Deferred[None]]] = []
        self.producers: set[Any] = set()

    def submit(self, rows: Sequence[FixRow]) -> Deferred[None]:
        d: Deferred[None] = Deferred()
        self.calls.append((list(rows), d))
        return d

    def register_producer(self, producer: Any) -> None:
        self.producers.add(producer)

    def unregister_producer(self, producer: Any) -> None:
        self.producers.discard(producer)

    @property
    def rows(self) -> list[FixRow]:
        return [row for rows, _ in self.calls for row in rows]

    def commit(self, index: int | None = None) -> None:
        """Fire one submission (by index) or every pending one, in order."""
        targets = [self.calls[index]] if index is not None else self.calls
        for _, d in targets:
            if not d.called:
                d.callback(None)


class Registry:
    """``admit`` answering ACCEPTED at once, or holding answers back when ``manual``."""

    def __init__(self, answer: Admission = ACCEPTED, *, manual: bool = False) -> None:
        self.answer = answer
        self.manual = manual
        self.asked: list[tuple[DeviceKey, str | None, dict[str, str]]] = []
        self.pending: list[Deferred[Admission]] = []

    def __call__(self, device: DeviceKey, imei: str | None,
                 details: Mapping[str, str], address: str) -> Deferred[Admission]:
        self.asked.append((device, imei, dict(details)))
        if not self.manual:
            return succeed(self.answer)
        d: Deferred[Admission] = Deferred()
        self.pending.append(d)
        return d


class Rig:
    """One factory on a fake clock; ``connect`` gives a protocol on a StringTransport."""

    def __init__(self, registry: Registry | None = None, *, idle_timeout_s: float = 300.0,
                 login_timeout_s: float = 30.0) -> None:
        self.clock = Clock()
        self.writer = ManualWriter()
        self.registry = registry or Registry()
        self.limits = IntakeLimits(idle_timeout_s=idle_timeout_s, login_timeout_s=login_timeout_s)
        self.factory = NdtpFactory(self.writer, self.registry, lambda: NOW, self.limits,
                                   reactor=self.clock)

    def connect(self) -> tuple[NdtpProtocol, StringTransport]:
        addr = IPv4Address("TCP", "10.0.0.1", 40000)
        proto = self.factory.buildProtocol(addr)
        assert isinstance(proto, NdtpProtocol)
        transport = StringTransport(peerAddress=addr)
        proto.makeConnection(transport)
        return proto, transport


def login_frame(device_id: int = 134223, request_id: int = 0) -> bytes:
    return build.frame(build.conn_request(device_id=device_id), service=0, ptype=100,
                       request_id=request_id)


def nav_frame(request_id: int, *, minute: int = 0, history: bool = False,
              cells: bytes | None = None) -> bytes:
    body = cells if cells is not None else (
        build.nav(time=NOW.replace(minute=minute), lat=50.55 + minute * 1e-4, lon=137.0)
        + build.int_sensor(odometer_m=1000 + minute))
    return build.frame(body, service=1, ptype=100 if history else 101, request_id=request_id)


def result(request_id: int, service: int = 1, code: int = 0) -> bytes:
    return build.result(service=service, request_id=request_id, code=code)
