"""EGTS over TCP: how EGTS bytes are cut, answered and counted, and commands to the terminal.

Everything else a connection does (acknowledgement after commit in arrival order,
backpressure, limits, metrics, shutdown) is ``telemetry.TelemetryProtocol``'s. EGTS cannot
resynchronise: a stream that cannot be cut any more is answered with the code the error table
prescribes and closed once the acknowledgements before it are out.

Commands to the terminal (``send_command``, called by ``net.commands.CommandRelay``) go out on
the connection at once; what the terminal says about them (``Handled.commands``) is recorded
through the factory's ``commands`` before the packet that carried it is acknowledged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from twisted.internet.defer import Deferred, succeed

from egts_server.codec.egts import (
    CommandAnswered,
    CommandEvent,
    Framer,
    Handled,
    ResultCode,
    Session,
    reaction_for,
)
from egts_server.codec.egts.subrecords import CommandData
from egts_server.codec.errors import FramingError
from egts_server.net.commands import CommandingFactory, QueuedCommand
from egts_server.net.outcome import Login, Outcome
from egts_server.net.telemetry import TelemetryProtocol


class EgtsProtocol(TelemetryProtocol):
    """One EGTS terminal (or relay) connection."""

    label = "EGTS"

    def __init__(self, factory: EgtsFactory, address: str) -> None:
        self._framer = Framer()
        self._session = Session(now=factory.clock)
        super().__init__(factory, address, self._framer, self._session)
        self._commands = factory.commands

    def cut(self, data: bytes) -> tuple[list[bytes], FramingError | None]:
        try:
            return self._framer.feed(data), None
        except FramingError as error:
            return list(error.frames), error

    def handle(self, frame: bytes) -> Handled:
        return self._session.handle(frame)

    def answer_framing_error(self, error: FramingError) -> Handled:
        return self._session.framing_error(error)

    def login_result(self, login: Login, accepted: bool) -> bytes:
        return self._session.login_result(ResultCode.OK if accepted else ResultCode.AUTH_DENIED)

    def count(self, handled: Outcome) -> None:
        assert isinstance(handled, Handled)
        f = self._factory
        if handled.dropped:
            f.count_dropped(handled.dropped, self._peer)
        if handled.ack is not None:
            f.packet_ok.inc()
            if handled.error is None:  # every record confirmed with RST 0
                f.record_ok.inc(len(handled.confirmed))
            else:
                for code, count in Counter(rst for _, _, rst in handled.confirmed).items():
                    f.metrics.records.labels(f.name, str(code)).inc(count)
        elif handled.error is not None:
            code = int(reaction_for(handled.error).code)
            f.metrics.packets.labels(f.name, str(code)).inc()
        else:
            f.packet_ok.inc()

    def also_commit(self, handled: Outcome) -> Deferred[Any] | None:
        assert isinstance(handled, Handled)
        return self._record_commands(handled.commands) if handled.commands else None

    # -- commands ------------------------------------------------------------------------------

    @property
    def terminal_id(self) -> int | None:
        """The registry id of the terminal logged in here (TERM_IDENTITY), while it is open."""
        return None if self._closing else self._admissions.accepted_id(self._session.terminal)

    def send_command(self, command: QueuedCommand) -> None:
        """Write ``command`` to the terminal now; its answers come back through ``handle``."""
        assert self._commands is not None  # commands come from the relay that records them
        self._write(self._session.command_packet(CommandData.com(
            command_id=command.command_id, source_id=self._commands.source_id,
            code=command.code, action=command.action, charset=command.charset,
            data=command.data)))
        self.log.info("EGTS {peer}: command {command_id} sent", command_id=command.command_id,
                      **self._fields())

    def _record_commands(self, events: Sequence[CommandEvent]) -> Deferred[None]:
        terminal_id = self.terminal_id
        for event in events:
            if isinstance(event, CommandAnswered):
                self.log.info("EGTS {peer}: command {command_id} answered with CCT {cct}",
                              command_id=event.command_id, cct=event.confirmation,
                              **self._fields())
            else:
                self.log.info("EGTS {peer}: command {command_id} taken with result {result}",
                              command_id=event.command_id, result=event.result,
                              **self._fields())
        if terminal_id is None or self._commands is None:
            self.log.warn("EGTS {peer}: answers about commands from a connection with no "
                          "terminal login; not recorded", **self._fields())
            return succeed(None)
        return self._commands.record(terminal_id, events)


class EgtsFactory(CommandingFactory):
    """Shared by every EGTS connection; ``commands`` stores the terminals' answers."""

    protocol = EgtsProtocol
    name = "egts"

    @property
    def connections(self) -> list[EgtsProtocol]:
        """The open EGTS connections (the ones commands can go out on)."""
        return [p for p in self.protocols if isinstance(p, EgtsProtocol)]

