"""The tracker side of Wialon IPS: packets as a 1.1 or 2.0 tracker writes them (simulator,
tests, round trips). The inverse of ``Session``'s reading."""

from __future__ import annotations

from collections.abc import Sequence

from egts_server.codec.wialon.constants import END, NO_VALUE, VERSION_2
from egts_server.codec.wialon.messages import Message, format_message
from egts_server.codec.wialon.session import checksum_text


class TrackerClient:
    """Builds the packets of one tracker; ``version`` "2.0" appends the CRC fields."""

    def __init__(self, identifier: str, password: str | None = None,
                 version: str = VERSION_2) -> None:
        self.identifier = identifier
        self.password = password
        self.version = version

    @property
    def _signed(self) -> bool:
        return self.version == VERSION_2

    def login(self) -> bytes:
        password = self.password or NO_VALUE
        if not self._signed:
            return _packet("L", f"{self.identifier};{password}")
        text = f"{VERSION_2};{self.identifier};{password};"
        return _packet("L", text + checksum_text(text))

    def ping(self) -> bytes:
        return _packet("P", "")

    def data(self, message: Message) -> bytes:
        """``#D#`` for an extended message, ``#SD#`` for a short one."""
        text = format_message(message)
        kind = "D" if message.extended else "SD"
        if not self._signed:
            return _packet(kind, text)
        return _packet(kind, f"{text};{checksum_text(text + ';')}")

    def black_box(self, messages: Sequence[Message]) -> bytes:
        text = "|".join(format_message(m) for m in messages)
        if not self._signed:
            return _packet("B", text)
        return _packet("B", f"{text}|{checksum_text(text + '|')}")


def _packet(kind: str, body: str) -> bytes:
    return f"#{kind}#{body}".encode() + END
