"""The PROXY protocol (v1 and v2) in front of any listener: the balancer names the client.

Behind HAProxy (``send-proxy-v2``) every connection starts with a header carrying the client's
address and port. ``ProxyHeaderFactory`` wraps a listener's factory: a connection from a peer
outside the trusted networks is refused at accept; otherwise the header is read (split across
reads any way, at most ``V2_MAX_BYTES``, within ``timeout_s``) and only then is the wrapped
factory asked for a protocol, with the client's address, so the connection caps, the logs, the
registry and the raw archive see the terminal, not the balancer. A connection whose first bytes
are not a valid header is closed with a logged reason.

Twisted's parsers (``twisted.protocols.haproxy``) read the header once it is whole. Twisted's
own wrapper is not used: it builds the wrapped protocol before the header arrives (the caps
would count the balancer's address), needs the first read to hold 16 bytes, and closes bad
connections without a word.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IAddress, IDelayedCall, IReactorTime
from twisted.internet.protocol import Factory, Protocol, connectionDone
from twisted.logger import Logger
from twisted.protocols.haproxy._exceptions import InvalidProxyHeader
from twisted.protocols.haproxy._v1parser import V1Parser
from twisted.protocols.haproxy._v2parser import V2Parser
from twisted.protocols.policies import ProtocolWrapper, WrappingFactory
from twisted.python.failure import Failure
from zope.interface import directlyProvides, providedBy

from egts_server.net.limits import CloseReason, Throttle

__all__ = ["ClientAddress", "ProxyHeaderFactory", "address_text", "cut_header"]

ClientAddress = IPv4Address | IPv6Address
V1_MAX_BYTES = 107  # the longest v1 line the specification allows, CRLF included
V2_MAX_BYTES = 16 + 1024  # fixed part plus addresses and the TLVs HAProxy may add
_V1_START = b"PROXY "


class BadProxyHeader(Exception):
    """The connection did not start with a PROXY header we can use."""


def cut_header(buffer: bytes) -> tuple[ClientAddress | None, bytes] | None:
    """The client's address from the header ``buffer`` starts with, and the bytes after it;
    None while the header is incomplete. The address is None when the header names none (v2
    LOCAL, the balancer's own health check; v1 UNKNOWN): the connection is then the
    balancer's own. Raises ``BadProxyHeader``."""
    if V2Parser.PREFIX.startswith(buffer[:12]):
        if len(buffer) < 16:
            return None
        size = 16 + int.from_bytes(buffer[14:16], "big")
        if size > V2_MAX_BYTES:
            raise BadProxyHeader(f"v2 header of {size} bytes")
        if len(buffer) < size:
            return None
        return _parsed(V2Parser.parse, buffer[:size]), buffer[size:]
    if _V1_START.startswith(buffer[:6]):
        end = buffer.find(b"\r\n", 0, V1_MAX_BYTES)
        if end < 0:
            if len(buffer) >= V1_MAX_BYTES:
                raise BadProxyHeader(f"v1 header without CRLF in {V1_MAX_BYTES} bytes")
            return None
        line = buffer[:end]
        if line.split(b" ", 2)[1:2] == [b"UNKNOWN"]:  # (Twisted's parser wants more after it)
            return None, buffer[end + 2:]
        return _parsed(V1Parser.parse, line), buffer[end + 2:]
    raise BadProxyHeader(f"no PROXY header: starts with {buffer[:16].hex()}")


def _parsed(parse: Callable[[bytes], Any], header: bytes) -> ClientAddress | None:
    try:
        source = parse(header).source
        if isinstance(source, IPv4Address | IPv6Address):
            # one spelling per address (v1 carries text, v2 uncompressed IPv6), so the caps
            # count a client once however its balancer wrote it
            host = str(ipaddress.ip_address(source.host))
            if not 0 <= source.port <= 65535:
                raise ValueError(f"port {source.port}")
            return type(source)("TCP", host, source.port)
        return None  # LOCAL, UNKNOWN, or a UNIX socket: no client address to take
    except (InvalidProxyHeader, ValueError) as e:
        raise BadProxyHeader(f"malformed header {header[:V1_MAX_BYTES]!r}: "
                             f"{type(e).__name__} {e}".rstrip()) from e


class ProxiedConnection(ProtocolWrapper):
    """Reads the header, then hands the connection to the wrapped factory's protocol and acts
    as its transport, answering ``getPeer`` with the client's address."""

    factory: ProxyHeaderFactory

    def __init__(self, factory: ProxyHeaderFactory) -> None:
        super().__init__(factory, Protocol())  # the real protocol comes with the header
        self._connected = False
        self._buffer = b""
        self._client: ClientAddress | None = None
        self._deadline: IDelayedCall | None = None

    def logPrefix(self) -> str:  # noqa: N802 (Twisted's name)
        return f"{self.factory.label} (PROXY)"

    def makeConnection(self, transport: Any) -> None:  # noqa: N802
        directlyProvides(self, providedBy(transport))
        Protocol.makeConnection(self, transport)
        self.factory.registerProtocol(self)  # type: ignore[no-untyped-call]
        self._deadline = self.factory.reactor.callLater(self.factory.timeout_s, self._late)

    def dataReceived(self, data: bytes) -> None:  # noqa: N802
        if self._connected:
            self.wrappedProtocol.dataReceived(data)
            return
        self._buffer += data
        try:
            cut = cut_header(self._buffer)
        except BadProxyHeader as e:
            self._refuse(str(e))
            return
        if cut is not None:
            self._client, rest = cut
            self._buffer = b""
            self._hand_over(rest)

    def _hand_over(self, rest: bytes) -> None:
        if self._deadline is not None and self._deadline.active():
            self._deadline.cancel()
        self._deadline = None
        protocol = self.factory.wrappedFactory.buildProtocol(self.getPeer())
        if protocol is None:  # refused (the caps): the wrapped factory logged why
            assert self.transport is not None
            self.transport.loseConnection()
            return
        self.wrappedProtocol = protocol
        self._connected = True
        protocol.makeConnection(self)
        if rest:
            protocol.dataReceived(rest)

    def _late(self) -> None:
        self._deadline = None
        self._refuse(f"no PROXY header within {self.factory.timeout_s:g}s")

    def _refuse(self, detail: str) -> None:
        assert self.transport is not None
        self.factory.refused(self.transport.getPeer(), CloseReason.PROXY_HEADER, detail)
        self.transport.abortConnection()  # type: ignore[attr-defined]

    def connectionLost(self, reason: Failure = connectionDone) -> None:  # noqa: N802
        if self._deadline is not None and self._deadline.active():
            self._deadline.cancel()
        self.factory.unregisterProtocol(self)  # type: ignore[no-untyped-call]
        if self._connected:
            self.wrappedProtocol.connectionLost(reason)

    def getPeer(self) -> IAddress:  # noqa: N802
        if self._client is not None:
            return self._client
        assert self.transport is not None
        return self.transport.getPeer()


class ProxyHeaderFactory(WrappingFactory[ProxiedConnection]):
    """Accepts connections for ``wrapped`` from the balancers ``trusted`` says yes to; each
    connection's protocol is built once its PROXY header names the client."""

    protocol = ProxiedConnection
    noisy = False
    log = Logger()

    def __init__(self, wrapped: Factory[Any], trusted: Callable[[str], bool], *,
                 reactor: IReactorTime, timeout_s: float, label: str,
                 count: Callable[[CloseReason], None] = lambda reason: None) -> None:
        super().__init__(wrapped)
        self.trusted = trusted
        self.reactor = reactor
        self.timeout_s = timeout_s
        self.label = label  # the listener in log lines: "EGTS", "HTTP"
        self._count = count  # a refusal into the listener's metrics
        self._quiet = Throttle(reactor.seconds, 1.0)

    # (None refuses the connection, as Factory allows; WrappingFactory's stub forgot it)
    def buildProtocol(  # type: ignore[override]  # noqa: N802
            self, addr: IAddress | None) -> ProxiedConnection | None:
        host = getattr(addr, "host", None)
        if not isinstance(host, str) or not self.trusted(host):
            self.refused(addr, CloseReason.PROXY_UNTRUSTED,
                         "PROXY header from outside proxy_protocol_from")
            return None
        return ProxiedConnection(self)

    def refused(self, peer: IAddress | None, reason: CloseReason, detail: str) -> None:
        """Count a closed connection and log it (at most once a second; the rest counted in
        the next line)."""
        self._count(reason)
        held = self._quiet.allow()
        if held is not None:
            self.log.warn("{listener} connection from {peer} closed: {detail}; {held} more "
                          "closed since the last message", listener=self.label,
                          peer=address_text(peer), reason=reason.value, detail=detail,
                          held=held)


def address_text(address: IAddress | None) -> str:
    """``host:port`` as the logs, the archive and the terminal registry show a client."""
    return f"{getattr(address, 'host', address)}:{getattr(address, 'port', '')}"
