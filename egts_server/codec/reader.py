"""Bounds-checked little-endian cursor, its writing counterpart, and span checks.

Two ways to read a container (packet body, record, subrecord), with the same guarantee that an
inner length never reads into the next container and running short raises ``TruncatedError``
instead of ``IndexError`` or ``struct.error``:

* ``ByteReader``: a cursor; ``sub(n)`` opens a reader over the next ``n`` bytes only. Used by
  the tables that are read field by field (strings, optional parts).
* a *span* ``(data, start, end)``: what the fixed-layout tables on the hot path parse with
  one precompiled ``struct.Struct`` each. Such a parser checks its span's length against its
  layout *before* unpacking (``unpack_from`` alone would happily read past ``end`` into the
  next container); ``wrong_length`` builds the error. ``ByteReader.span()`` hands a reader's
  bytes to such a parser.
"""

from __future__ import annotations

import struct
from typing import Final

from egts_server.codec.errors import CodecError, FormatError, TruncatedError

#: What the span parsers accept; ``bytes`` on the server's path, ``memoryview`` from readers.
Buffer = bytes | bytearray | memoryview


def wrong_length(table: str, length: int, expected: int) -> CodecError:
    """The error for a span of ``length`` bytes where ``table`` needs exactly ``expected``.

    Too short is ``TruncatedError``; too long is ``FormatError``, since the sender's length
    field is authoritative and leftovers mean the layouts disagree (subrecords' strict policy).
    """
    if length < expected:
        return TruncatedError(f"{table} needs {expected} bytes, has {length}")
    return FormatError(f"{table} left {length - expected} of its {length} bytes unread")


class ByteReader:
    """Little-endian cursor over one container."""

    __slots__ = ("_view", "_base", "_pos", "_end")

    def __init__(self, data: bytes | bytearray | memoryview, start: int = 0,
                 end: int | None = None) -> None:
        """A reader over ``data[start:end]`` (the whole of ``data`` by default)."""
        self._view = data if isinstance(data, memoryview) else memoryview(data)
        self._base = self._pos = start
        self._end = len(self._view) if end is None else end

    @property
    def remaining(self) -> int:
        """Bytes not read yet."""
        return self._end - self._pos

    @property
    def offset(self) -> int:
        """Bytes read so far."""
        return self._pos - self._base

    def _advance(self, n: int) -> int:
        """Claim the next ``n`` bytes; their start offset."""
        start = self._pos
        if n < 0 or start + n > self._end:
            raise TruncatedError(
                f"need {n} bytes at offset {start - self._base}, {self._end - start} left")
        self._pos = start + n
        return start

    def take(self, n: int) -> memoryview:
        """The next ``n`` bytes as a view; ``TruncatedError`` if fewer remain."""
        start = self._advance(n)
        return self._view[start : start + n]

    def read(self, n: int) -> bytes:
        """The next ``n`` bytes as an immutable copy."""
        start = self._advance(n)
        return self._view[start : start + n].tobytes()

    def rest(self) -> bytes:
        """Everything not read yet."""
        return self.read(self._end - self._pos)

    def span(self) -> tuple[memoryview, int, int]:
        """Everything not read yet as a span ``(data, start, end)``, and consumed."""
        start, self._pos = self._pos, self._end
        return self._view, start, self._end

    def window(self) -> tuple[memoryview, int, int]:
        """Everything not read yet as a span, *not* consumed (see ``skip``)."""
        return self._view, self._pos, self._end

    def skip(self, n: int) -> None:
        """Consume ``n`` bytes without reading them."""
        self._advance(n)

    def sub(self, n: int) -> ByteReader:
        """A reader over the next ``n`` bytes only: an inner length can never leak outward."""
        start = self._advance(n)
        return ByteReader(self._view, start, start + n)

    def unpack(self, layout: struct.Struct) -> tuple[int, ...]:
        """Several fixed-size fields at once (``layout`` must be little-endian integers)."""
        start = self._advance(layout.size)
        values: tuple[int, ...] = layout.unpack_from(self._view, start)
        return values

    def uint(self, size: int) -> int:
        start = self._advance(size)
        return int.from_bytes(self._view[start : start + size], "little")

    def u8(self) -> int:
        start = self._advance(1)
        return self._view[start]

    def u16(self) -> int:
        return self.unpack(_U16)[0]

    def u24(self) -> int:
        return self.uint(3)

    def u32(self) -> int:
        return self.unpack(_U32)[0]

    def i16(self) -> int:
        return self.unpack(_I16)[0]

    def cstring(self, limit: int | None = None) -> bytes:
        """Bytes up to a 0x00 terminator (consumed, not returned); ``limit`` caps the text."""
        end = self._view[self._pos : self._end].tobytes().find(b"\x00")
        if end < 0:
            raise TruncatedError(f"string at offset {self.offset} has no 0x00 terminator")
        if limit is not None and end > limit:
            raise TruncatedError(f"string at offset {self.offset} longer than {limit} bytes")
        text = self.read(end)
        self._pos += 1
        return text


_U16: Final = struct.Struct("<H")
_U32: Final = struct.Struct("<I")
_I16: Final = struct.Struct("<h")


class ByteWriter:
    """Little-endian builder; ``ValueError`` when a value does not fit its field."""

    __slots__ = ("_buf",)

    def __init__(self) -> None:
        self._buf = bytearray()

    def __len__(self) -> int:
        return len(self._buf)

    def getvalue(self) -> bytes:
        return bytes(self._buf)

    def uint(self, value: int, size: int) -> ByteWriter:
        if not 0 <= value < 1 << (8 * size):
            raise ValueError(f"{value} does not fit in {size} unsigned byte(s)")
        self._buf += value.to_bytes(size, "little")
        return self

    def pack(self, layout: struct.Struct, *values: int) -> ByteWriter:
        """Several fixed-size fields at once; ``ValueError`` when one does not fit."""
        try:
            self._buf += layout.pack(*values)
        except struct.error as error:
            raise ValueError(f"{values} do not fit {layout.format!r}: {error}") from error
        return self

    def u8(self, value: int) -> ByteWriter:
        if not 0 <= value <= 0xFF:
            raise ValueError(f"{value} does not fit in 1 unsigned byte")
        self._buf.append(value)
        return self

    def u16(self, value: int) -> ByteWriter:
        return self.pack(_U16, value)

    def u24(self, value: int) -> ByteWriter:
        return self.uint(value, 3)

    def u32(self, value: int) -> ByteWriter:
        return self.pack(_U32, value)

    def i16(self, value: int) -> ByteWriter:
        return self.pack(_I16, value)

    def raw(self, data: bytes | bytearray | memoryview) -> ByteWriter:
        self._buf += data
        return self

    def fixed(self, data: bytes, size: int) -> ByteWriter:
        """Exactly ``size`` bytes; ``ValueError`` otherwise (fixed-width wire strings)."""
        if len(data) != size:
            raise ValueError(f"field needs exactly {size} bytes, got {len(data)}")
        self._buf += data
        return self

    def cstring(self, data: bytes, limit: int | None = None) -> ByteWriter:
        """``data`` followed by a 0x00 terminator."""
        if b"\x00" in data:
            raise ValueError("string contains a 0x00 byte")
        if limit is not None and len(data) > limit:
            raise ValueError(f"string longer than {limit} bytes")
        self._buf += data
        self._buf.append(0)
        return self
