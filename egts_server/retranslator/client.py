"""The Twisted side of one upstream connection: bytes to and from a ``Conversation``.

Everything EGTS is decided by the conversation; this adapter only frames the stream, drives
the resend clock, writes what it is told and reports logins, rounds and losses to its
``Feeder`` (the service that owns the queue and the reconnect policy).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from twisted.internet.interfaces import IReactorTime
from twisted.internet.protocol import ClientFactory, connectionDone
from twisted.internet.protocol import Protocol as TwistedProtocol
from twisted.internet.task import LoopingCall
from twisted.logger import Logger
from twisted.python.failure import Failure

from egts_server.codec.egts import Framer
from egts_server.codec.errors import FramingError
from egts_server.retranslator.conversation import Conversation, Phase, RoundResult, Step
from egts_server.retranslator.plan import Outgoing


class Feeder(Protocol):
    """What the connection reports to (``service.UpstreamFeeder``)."""

    upstream_name: str

    def logged_in(self, connection: UpstreamProtocol) -> None: ...

    def login_refused(self, code: int) -> None: ...

    def round_done(self, result: RoundResult) -> None: ...

    def connection_lost(self, why: str) -> None: ...


class UpstreamProtocol(TwistedProtocol):
    """One TCP connection to an upstream platform."""

    log = Logger()

    def __init__(self, feeder: Feeder, conversation: Conversation, clock: IReactorTime,
                 tick_s: float) -> None:
        self._feeder = feeder
        self._conversation = conversation
        self._clock = clock
        self._framer = Framer()
        self._ticker = LoopingCall(self._tick)
        self._ticker.clock = clock
        self._tick_s = tick_s
        self._why = "connection closed"

    @property
    def ready(self) -> bool:
        """Logged in, connected, and no round in flight: ``send_round`` may be called."""
        return (self._conversation.phase is Phase.READY and not self._conversation.busy
                and self.connected == 1)

    def send_round(self, packets: Sequence[Sequence[Outgoing]]) -> None:
        self._apply(self._conversation.send_round(packets, self._clock.seconds()))

    # -- Twisted callbacks -------------------------------------------------------------------

    def connectionMade(self) -> None:  # noqa: N802
        self._apply(self._conversation.start(self._clock.seconds()))
        self._ticker.start(self._tick_s, now=False)

    def dataReceived(self, data: bytes) -> None:  # noqa: N802
        failure: FramingError | None = None
        try:
            frames = self._framer.feed(data)
        except FramingError as error:
            frames, failure = list(error.frames), error
        for frame in frames:
            self._apply(self._conversation.feed(frame, self._clock.seconds()))
        if failure is not None:
            self._why = f"unreadable stream from the platform: {failure}"
            self._close()

    def connectionLost(self, reason: Failure = connectionDone) -> None:  # noqa: N802
        if self._ticker.running:
            self._ticker.stop()
        result = self._conversation.abort()
        if result is not None:
            self._feeder.round_done(result)
        if self._why == "connection closed":
            self._why = f"connection lost: {reason.getErrorMessage()}"
        self._feeder.connection_lost(self._why)

    # -- internals ---------------------------------------------------------------------------

    def _tick(self) -> None:
        self._apply(self._conversation.tick(self._clock.seconds()))

    def _apply(self, step: Step) -> None:
        assert self.transport is not None
        for data in step.writes:
            self.transport.write(data)
        for pid, writes in step.resent:
            self.log.info("retranslator {upstream}: no confirmation of PID {pid} yet;"
                          " sent it again ({writes})", upstream=self._feeder.upstream_name, pid=pid,
                          writes=writes)
        if step.note:
            self.log.info("retranslator {upstream}: {note}", upstream=self._feeder.upstream_name,
                          note=step.note)
        if step.login_refused is not None:
            self._feeder.login_refused(step.login_refused)
        if step.logged_in:
            self._feeder.logged_in(self)
        if step.round_done is not None:
            self._feeder.round_done(step.round_done)
        if step.close is not None:
            self._why = step.close
            self._close()

    def _close(self) -> None:
        if self.transport is not None:
            self.transport.loseConnection()


class UpstreamFactory(ClientFactory):
    """Builds the connection for one attempt; the feeder decides about the next attempt."""

    noisy = False

    def __init__(self, feeder: Feeder, conversation: Conversation, clock: IReactorTime,
                 tick_s: float) -> None:
        self._feeder = feeder
        self._conversation = conversation
        self._clock = clock
        self._tick_s = tick_s

    def buildProtocol(self, addr: Any) -> UpstreamProtocol:  # noqa: N802
        proto = UpstreamProtocol(self._feeder, self._conversation, self._clock, self._tick_s)
        proto.factory = self
        return proto

    def clientConnectionFailed(self, connector: Any, reason: Failure) -> None:  # noqa: N802
        self._feeder.connection_lost(f"cannot connect: {reason.getErrorMessage()}")
