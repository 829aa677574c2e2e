"""Teltonika's members of the codec's one exception family (``egts_server.codec.errors``)."""

from __future__ import annotations

from egts_server.codec.errors import FormatError


class CoordinateError(FormatError):
    """A record whose place or time cannot exist (``Position`` could not hold it)."""
