"""Commands to terminals: from the shared queue onto the terminals' connections, and back.

Every ``poll_interval_s`` the relay gives up on what is overdue and asks which terminals have
a command due (queued, or sent and left unanswered for ``resend_after_s``): usually none, and
then that is all. Otherwise it claims, in a second transaction, the commands of those of them
connected to this process (``db.commands.claim``) and writes each on its terminal's
connection. So an idle queue costs one small query a second, not a walk of every connection.
Giving up on the overdue (``db.commands.settle_overdue``) updates the whole table, so only the
first process does it (``settle=True``, the default); extra intake processes made with
``settle=False`` only poll for due terminals and claim their own.
The adapter hands the terminal's answers to ``record``; the answer's confirmation is written to
the terminal only after they are stored. EGTS terminals answer with COMMANDS subrecords
(``CommandEvent``), Teltonika devices with plain text (``TextAnswer``).

The queue is in the database, so a command queued by the CLI or another process reaches the
terminal on whichever process holds its connection, and a restart loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.logger import Logger
from twisted.python.failure import Failure

from db import commands as queue
from egts_server.codec.egts import CommandAnswered, CommandDelivered, CommandEvent
from egts_server.commands import Charset, answer_text, decode_text
from egts_server.net.factory import TelemetryFactory
from egts_server.periodic import PeriodicService


@dataclass(frozen=True, slots=True)
class CommandSettings:
    """Commands to EGTS and Teltonika terminals (``terminals command``,
    ``/api/terminals/{id}/commands``)."""

    poll_interval_s: float = 1.0  # how often a serve process looks for commands to send
    resend_after_s: float = 30.0  # a sent command still unanswered goes out again after this
    max_attempts: int = 3  # sends before an unanswered command fails
    default_ttl_s: float = 3600.0  # how long a command waits for its terminal to connect
    source_id: int = 0  # SID: this platform's id in the commands it sends


@dataclass(frozen=True, slots=True)
class QueuedCommand:
    """A claimed command as the queue holds it; each protocol writes it its own way."""

    command_id: int  # the row id: EGTS sends it as CID, Teltonika matches answers by order
    code: int  # CCD
    action: int  # ACT
    charset: int  # CHS of data
    data: bytes  # DT: for a text command, the text


@dataclass(frozen=True, slots=True)
class TextAnswer:
    """A terminal's plain answer to command ``command_id`` (a Teltonika Codec 12 response)."""

    command_id: int
    data: bytes


class CommandTarget(Protocol):
    """A connection commands can go out on (``EgtsProtocol``, ``TeltonikaProtocol``)."""

    @property
    def terminal_id(self) -> int | None: ...

    def send_command(self, command: QueuedCommand) -> None: ...


class CommandLog(Protocol):
    """Where the terminals' answers to commands are stored (``CommandRelay``)."""

    @property
    def source_id(self) -> int: ...

    def record(self, terminal_id: int,
               events: Sequence[CommandEvent | TextAnswer]) -> Deferred[None]: ...


class CommandingFactory(TelemetryFactory):
    """A listener whose terminals take commands; ``commands`` stores their answers."""

    def __init__(self, *args: Any, commands: CommandLog | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = commands


Claimed = tuple[int, int, int, int, int, bytes]  # id, terminal_id, code, action, charset, data


class CommandRelay(PeriodicService):
    """Sends queued commands to connected terminals; records their answers."""

    log = Logger()

    def __init__(self, pool: adbapi.ConnectionPool, settings: CommandSettings,
                 connections: Callable[[], Iterable[CommandTarget]], reactor: Any, *,
                 settle: bool = True) -> None:
        super().__init__(settings.poll_interval_s, reactor)
        self._pool = pool
        self._settings = settings
        self._connections = connections
        self._settle = settle

    @property
    def source_id(self) -> int:
        """SID: this platform's id in the EGTS commands it sends."""
        return self._settings.source_id

    def run(self) -> Deferred[None]:
        """One round; never fails (a failed call would stop the timer for good). The timer
        starts the next round only once this one's Deferred has fired, so rounds never
        overlap."""
        s = self._settings
        targets: dict[int, CommandTarget] = {}
        d: Deferred[list[int]] = self._pool.runInteraction(_due, s.resend_after_s,
                                                           s.max_attempts, self._settle)

        def claim(due: list[int]) -> Deferred[list[Claimed]] | list[Claimed]:
            wanted = set(due)
            if wanted:
                for connection in self._connections():
                    terminal_id = connection.terminal_id
                    if terminal_id in wanted:
                        targets[terminal_id] = connection
            if not targets:
                return []
            claimed: Deferred[list[Claimed]] = self._pool.runInteraction(
                queue.claim, sorted(targets), s.resend_after_s, s.max_attempts)
            return claimed

        def send(claimed: list[Claimed]) -> None:
            for command_id, terminal_id, code, action, charset, data in claimed:
                targets[terminal_id].send_command(QueuedCommand(command_id, code, action,
                                                                charset, data))

        def failed(failure: Failure) -> None:
            self.log.warn("commands: could not look for commands to send ({error}); trying "
                          "again", error=failure.getErrorMessage().strip())

        claimed: Deferred[list[Claimed]] = d.addCallback(claim)
        sent: Deferred[None] = claimed.addCallback(send)
        return sent.addErrback(failed)  # after send, so that its exceptions are logged too

    def record(self, terminal_id: int,
               events: Sequence[CommandEvent | TextAnswer]) -> Deferred[None]:
        """Store what the terminal said about its commands (fires once committed)."""
        d: Deferred[None] = self._pool.runInteraction(_record, terminal_id, events)
        return d


def _due(cur: Any, resend_after_s: float, max_attempts: int, settle: bool) -> list[int]:
    if settle:
        queue.settle_overdue(cur, resend_after_s, max_attempts)
    return queue.due_terminals(cur, resend_after_s, max_attempts)


def _record(cur: Any, terminal_id: int, events: Sequence[CommandEvent | TextAnswer]) -> None:
    for event in events:
        if isinstance(event, TextAnswer):  # an answer at all means done; the text says how
            queue.record_answer(cur, terminal_id, event.command_id, 0, event.data,
                                decode_text(event.data, Charset.ASCII))
        elif isinstance(event, CommandDelivered):
            queue.record_delivery(cur, terminal_id, event.command_id, event.result)
        elif isinstance(event, CommandAnswered):
            queue.record_answer(cur, terminal_id, event.command_id, event.confirmation,
                                event.data, answer_text(event.data, event.charset))
