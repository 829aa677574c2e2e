"""A telemetry listener as a service: listen with a deep backlog, stop gracefully.

Stopping (SIGTERM) goes: stop accepting; stop reading every connection; write each
connection's acknowledgements as their commits complete; close. Whatever has not committed
after ``shutdown_timeout_s`` is dropped unacknowledged, so the terminals resend it.

With ``reuse_port`` several processes listen on the same port (``SO_REUSEPORT``) and the
kernel spreads new connections over them (``intake.processes``). Behind a load balancer the
port accepts through a PROXY header reader (``accept``) that hands each connection to the
factory once the header named the client.
"""

from __future__ import annotations

import socket
from typing import Any

from twisted.application.service import Service
from twisted.internet.defer import Deferred, maybeDeferred
from twisted.internet.error import CannotListenError
from twisted.internet.interfaces import IListeningPort
from twisted.internet.protocol import Factory
from twisted.logger import Logger

from egts_server.net.factory import TelemetryFactory


class ListenerService(Service):
    """One TCP listening port for one telemetry factory."""

    log = Logger()

    def __init__(self, factory: TelemetryFactory, port: int, *, host: str = "", backlog: int = 4096,
                 shutdown_timeout_s: float = 10.0, reactor: Any = None,
                 reuse_port: bool = False, accept: Factory | None = None) -> None:
        self.factory = factory
        self._accept = accept if accept is not None else factory
        self._port_number = port
        self._host = host
        self._backlog = backlog
        self._reuse_port = reuse_port
        self._shutdown_timeout_s = shutdown_timeout_s
        self._reactor: Any = reactor if reactor is not None else factory.reactor
        self.port: IListeningPort | None = None

    def startService(self) -> None:  # noqa: N802
        super().startService()
        if self._reuse_port:
            self.port = self._listen_shared()
        else:
            self.port = self._reactor.listenTCP(self._port_number, self._accept,
                                                backlog=self._backlog, interface=self._host)

    def _listen_shared(self) -> IListeningPort:
        """A listening socket other processes may bind too; the reactor adopts a copy of it."""
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
                sock.bind((self._host, self._port_number))
                sock.listen(self._backlog)
            except OSError as e:
                raise CannotListenError(self._host, self._port_number, e) from e
            sock.setblocking(False)
            port: IListeningPort = self._reactor.adoptStreamPort(sock.fileno(), family,
                                                                 self._accept)
            return port

    def stopService(self) -> Deferred[None]:  # noqa: N802
        super().stopService()
        port, self.port = self.port, None
        stopped: Deferred[Any] = maybeDeferred(port.stopListening) if port else \
            maybeDeferred(lambda: None)
        self.factory.stop_reading()
        n = len(self.factory.protocols)
        if n:
            self.log.info("stopped accepting; finishing {n} connections", n=n)
        finished = self.factory.finish_all(self._shutdown_timeout_s)
        return stopped.addCallback(lambda _: finished)
