"""Teltonika over TCP: the framed adapter (``net.framed``) plus Codec 12 commands.

Teltonika's description orders a command session: the device sends its AVL data, and only once
every packet has its acknowledgement may the server write a GPRS command (a device waiting for
a record count would take the command's bytes for it). So a command from
``net.commands.CommandRelay`` is claimed only once an AVL packet was answered on this
connection, and waits here until no acknowledgement is pending and no packet is half received;
then it goes out alone.
A response carries no command id: it answers the oldest command written and not yet answered,
so one command is on the wire at a time. The response is recorded through the factory's
``commands`` (``TextAnswer``) before the next command may go out.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from twisted.internet.defer import Deferred

from egts_server.codec import teltonika
from egts_server.net.acks import Due
from egts_server.net.commands import CommandingFactory, QueuedCommand, TextAnswer
from egts_server.net.framed import FramedProtocol, pair
from egts_server.net.outcome import Outcome


class TeltonikaProtocol(FramedProtocol):
    """One Teltonika device connection; takes text commands (``send_command``)."""

    label = "TELTONIKA"
    codec = pair(teltonika.Framer, teltonika.Session)

    def __init__(self, factory: TeltonikaFactory, address: str) -> None:
        super().__init__(factory, address)
        self._commands = factory.commands
        self._waiting: deque[QueuedCommand] = deque()  # claimed, not written yet
        self._unanswered: deque[int] = deque()  # written, oldest first: what a response answers
        self._exchanged = False  # an AVL packet was answered: the device reads commands now

    @property
    def terminal_id(self) -> int | None:
        """The registry id of the device logged in here once it reads commands (an AVL packet
        was answered), while the connection is open. Until then its commands stay queued."""
        if not self._exchanged or self._closing:
            return None
        return self._admissions.accepted_id(self.device)

    def send_command(self, command: QueuedCommand) -> None:
        """Queue ``command``; it goes out as soon as the device may read it. Claimed again
        (no answer in time), it stops waiting for the answer to its earlier sending."""
        if command.command_id in self._unanswered:
            self._unanswered.remove(command.command_id)
        if all(waiting.command_id != command.command_id for waiting in self._waiting):
            self._waiting.append(command)
        self._send_next()

    def _send_next(self) -> None:
        if (not self._waiting or self._unanswered or not self._exchanged or len(self._acks)
                or self.framer.buffered or self._closing):
            return
        command = self._waiting.popleft()
        self._unanswered.append(command.command_id)
        self._write(teltonika.command_message(command.data))
        self.log.info("TELTONIKA {peer}: command {command_id} sent",
                      command_id=command.command_id, **self._fields())

    def _deliver(self, due: Due) -> None:
        super()._deliver(due)
        if due.ack is not None:
            self._exchanged = True
        self._send_next()

    def also_commit(self, handled: Outcome) -> Deferred[Any] | None:
        assert isinstance(handled, teltonika.Handled)
        if handled.response is None:
            return None
        terminal_id = self.terminal_id
        if not self._unanswered or terminal_id is None or self._commands is None:
            self.log.warn("TELTONIKA {peer}: a response to no command sent here; not recorded",
                          **self._fields())
            return None
        command_id = self._unanswered.popleft()
        self.log.info("TELTONIKA {peer}: command {command_id} answered",
                      command_id=command_id, **self._fields())
        return self._commands.record(terminal_id, [TextAnswer(command_id, handled.response)])


class TeltonikaFactory(CommandingFactory):
    """Shared by every Teltonika connection; ``commands`` stores the devices' answers."""

    protocol = TeltonikaProtocol
    name = "teltonika"

    @property
    def connections(self) -> list[TeltonikaProtocol]:
        """The open Teltonika connections (the ones commands can go out on)."""
        return [p for p in self.protocols if isinstance(p, TeltonikaProtocol)]
