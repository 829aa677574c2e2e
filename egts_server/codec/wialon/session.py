"""Per-connection state machine for the server side of Wialon IPS 1.1 and 2.0.

``Session.handle(packet)`` takes one packet as cut by ``Framer`` and returns a ``Handled``: the
fixes to store, the answer to write once they are stored, a login to decide on, and whether to
close. It never raises on input; every ``CodecError`` becomes ``Handled.error`` plus the answer
code the protocol defines for it (``constants``).

Identity comes only from ``#L#``: its IMEI/ID names the connection (``wialon:<id>``), and its
form fixes the version (2.0: ``#L#2.0;id;password;crc``; 1.1: ``#L#id;password``), so later
packets are checked for a CRC only on a 2.0 connection. A password is checked only for ids
given one in ``passwords``; a wrong one is answered ``#AL#01`` and the connection closed.
Answers go in ``Handled.ack``: the tracker expects one answer per packet, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Final

from egts_server.codec.crc import crc16_arc
from egts_server.codec.errors import (
    ChecksumError,
    CodecError,
    FormatError,
    IdentityError,
    PacketTypeError,
)
from egts_server.codec.handled import Handled, Login
from egts_server.codec.tracker_session import TrackerSession
from egts_server.codec.wialon.constants import (
    NO_VALUE,
    VERSION_2,
    DataAnswer,
    Field,
    LoginAnswer,
    ShortAnswer,
)
from egts_server.codec.wialon.errors import FieldError
from egts_server.codec.wialon.messages import Message, parse_message
from egts_server.codec.wialon.to_positions import message_position
from egts_server.model import DeviceKey

PROTOCOL: Final = "wialon"
_NOT_IDENTIFIED: Final = "data before #L#"
_HEX: Final = frozenset("0123456789abcdefABCDEF")
DroppedText = tuple[str, str]  # an optional element left out of a fix, and the text sent


def answer(kind: str, code: str) -> bytes:
    """``#<kind>#<code>\\r\\n``."""
    return f"#{kind}#{code}\r\n".encode()


def checksum_text(text: str) -> str:
    """The CRC field a 2.0 tracker appends to ``text``, as hex."""
    return f"{crc16_arc(text.encode()):04X}"


class Session(TrackerSession):
    """Per-connection state machine for the server side; ``device`` is set by the latest
    ``#L#``. Never raises on input."""

    def __init__(self, passwords: Mapping[str, str] | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__()
        self._passwords = passwords or {}
        self._now = now
        self._version = "1.1"

    def handle(self, packet: bytes) -> Handled[DroppedText]:
        """One packet as cut by ``Framer`` (without its CR LF)."""
        if self._refused:
            return Handled(close=True)
        text = packet.decode("utf-8", errors="replace")
        kind, sep, body = text[1:].partition("#")
        if not text.startswith("#") or not sep:
            return Handled(error=FormatError(f"not a Wialon IPS packet: {text[:40]!r}"))
        handler = _HANDLERS.get(kind)
        if handler is None:
            return Handled(error=PacketTypeError(f"packet type {kind[:8]!r} not handled"))
        return handler(self, body)

    def _login_answer(self, login: Login, accepted: bool) -> bytes:
        """``#AL#1`` or ``#AL#0``."""
        return answer("AL", LoginAnswer.OK if accepted else LoginAnswer.REJECTED)

    # -- handlers -------------------------------------------------------------------------------

    def _login(self, body: str) -> Handled[DroppedText]:
        parts = body.split(";")
        if len(parts) == 4 and parts[0] == VERSION_2:
            signed, _, crc = body.rpartition(";")
            if not _crc_matches(signed + ";", crc):
                return Handled(ack=answer("AL", LoginAnswer.BAD_CHECKSUM),
                               error=_checksum_error(signed + ";", crc))
            version, identifier, password = parts[0], parts[1], parts[2]
        elif len(parts) == 2:
            version, identifier, password = "1.1", parts[0], parts[1]
        else:
            return Handled(ack=answer("AL", LoginAnswer.REJECTED),
                           error=FormatError(f"login with {len(parts)} fields"))
        if not identifier or identifier == NO_VALUE or len(identifier) > 64:
            return Handled(ack=answer("AL", LoginAnswer.REJECTED),
                           error=IdentityError(f"login id {identifier[:70]!r} unusable"))
        expected = self._passwords.get(identifier)
        if expected is not None and password != expected:
            self._refused = True
            return Handled(ack=answer("AL", LoginAnswer.BAD_PASSWORD), close=True,
                           error=IdentityError(f"wrong password for {identifier}"))
        self._version = version
        self._device = DeviceKey(PROTOCOL, identifier)
        imei = identifier if len(identifier) == 15 and identifier.isdigit() else None
        return Handled(login=Login(self._device, imei,
                                   MappingProxyType({"protocol_version": version})))

    def _ping(self, body: str) -> Handled[DroppedText]:
        return Handled(ack=answer("AP", ""))

    def _short(self, body: str) -> Handled[DroppedText]:
        return self._single(body, "ASD", short=True)

    def _data(self, body: str) -> Handled[DroppedText]:
        return self._single(body, "AD", short=False)

    def _single(self, body: str, kind: str, *, short: bool) -> Handled[DroppedText]:
        codes = (ShortAnswer.OK, ShortAnswer.BAD_CHECKSUM) if short else (
            DataAnswer.OK, DataAnswer.BAD_CHECKSUM)
        if self._device is None:
            code = Field.STRUCTURE.short_answer if short else Field.STRUCTURE.data_answer
            return Handled(ack=answer(kind, code),
                           error=IdentityError(_NOT_IDENTIFIED))
        if self._version == VERSION_2:
            signed, _, crc = body.rpartition(";")
            if not _crc_matches(signed + ";", crc):
                return Handled(ack=answer(kind, codes[1]),
                               error=_checksum_error(signed + ";", crc))
            body = signed
        try:
            message = parse_message(body)
        except FieldError as error:
            code = error.field.short_answer if short else error.field.data_answer
            return Handled(ack=answer(kind, code), error=error)
        if short and message.extended:
            return Handled(ack=answer(kind, ShortAnswer.STRUCTURE),
                           error=FieldError(Field.STRUCTURE, "#SD# with extended fields"))
        position = message_position(message, self._device, self._now())
        return Handled(positions=() if position is None else (position,),
                       ack=answer(kind, codes[0]), dropped=_dropped((message,)))

    def _black_box(self, body: str) -> Handled[DroppedText]:
        if self._device is None:
            return Handled(ack=answer("AB", "0"), error=IdentityError(_NOT_IDENTIFIED))
        if self._version == VERSION_2:
            signed, _, crc = body.rpartition("|")
            if not _crc_matches(signed + "|", crc):
                return Handled(ack=answer("AB", ""), error=_checksum_error(signed + "|", crc))
            body = signed
        messages: list[Message] = []
        first_error: CodecError | None = None
        for piece in body.split("|"):
            try:
                messages.append(parse_message(piece))
            except FieldError as error:
                first_error = first_error or error
        now = self._now()
        positions = tuple(p for p in (message_position(m, self._device, now, black_box=True)
                                      for m in messages) if p is not None)
        return Handled(positions=positions, ack=answer("AB", str(len(messages))),
                       error=first_error, dropped=_dropped(messages))


def _crc_value(crc: str) -> int | None:
    """The CRC field as a number (1-4 hex digits, ``0x`` allowed); None when it is not one."""
    if crc[:2] in ("0x", "0X"):
        crc = crc[2:]
    if not 1 <= len(crc) <= 4 or not all(c in _HEX for c in crc):
        return None
    return int(crc, 16)


def _crc_matches(text: str, crc: str) -> bool:
    return _crc_value(crc) == crc16_arc(text.encode())


def _checksum_error(text: str, crc: str) -> ChecksumError:
    received = _crc_value(crc)
    return ChecksumError("CRC16", crc16_arc(text.encode()), -1 if received is None else received)


def _dropped(messages: tuple[Message, ...] | list[Message]) -> tuple[DroppedText, ...]:
    return tuple(item for m in messages for item in m.dropped.items())


_Handler = Callable[[Session, str], Handled[DroppedText]]
_HANDLERS: Final[Mapping[str, _Handler]] = MappingProxyType({
    "L": Session._login,
    "P": Session._ping,
    "SD": Session._short,
    "D": Session._data,
    "B": Session._black_box,
})
