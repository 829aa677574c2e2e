"""What the server's EGTS session makes of one frame: ``Handled``, and the logins and command
events in it. Plain values, shared by the session and the compiled record loop that builds
them (``_compiled_teledata``); the session's module docstring says how an adapter acts on them.
"""

from __future__ import annotations

from dataclasses import dataclass

from egts_server.codec import handled
from egts_server.codec.handled import Login

__all__ = ["CommandAnswered", "CommandDelivered", "CommandEvent", "Handled", "Login"]


@dataclass(frozen=True, slots=True)
class CommandDelivered:
    """The terminal answered the packet that carried command ``command_id`` (PT_RESPONSE)."""

    command_id: int  # CID
    result: int  # PR, or the first non-zero RST of its records: 0 = taken


@dataclass(frozen=True, slots=True)
class CommandAnswered:
    """The terminal's verdict on command ``command_id``: a COMCONF (or MSGCONF) subrecord."""

    command_id: int  # CID
    confirmation: int  # CCT (ConfirmationType): 0 done, 6 in progress, others failed
    data: bytes  # CD as sent: for an answered query, ADR, SZ|ACT, CCD and the value
    charset: int | None  # CHS


CommandEvent = CommandDelivered | CommandAnswered


@dataclass(frozen=True, slots=True)
class Handled(handled.Handled[str]):
    """What one frame asks of the connection.

    Write ``replies`` now (they confirm no data). Store ``positions``; write ``ack`` only after
    they are committed (at once when there are none). After a ``login`` (a terminal's or a
    platform's: imsi, msisdn, module and vehicle data, dispatcher id in its ``details``) write
    ``ack``, then ``Session.login_result(code)``. ``close``: close once the above is written.
    Record ``commands`` before writing ``ack`` too (it confirms them). ``dropped``: optional
    subrecords left out of stored fixes, by table.
    """

    commands: tuple[CommandEvent, ...] = ()
    confirmed: tuple[tuple[int, int, int], ...] = ()  # (SST, RN, RST) of each record in ``ack``
