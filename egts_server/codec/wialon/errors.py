"""Wialon IPS's members of the codec's one exception family (``egts_server.codec.errors``)."""

from __future__ import annotations

from egts_server.codec.errors import FormatError
from egts_server.codec.wialon.constants import Field


class FieldError(FormatError):
    """A mandatory field of a data message cannot be read; ``field`` picks the answer code."""

    def __init__(self, field: Field, message: str) -> None:
        super().__init__(message)
        self.field = field
