"""Bounds-checked little-endian cursor and its writing counterpart.

Every container (packet body, record, subrecord) is read through its own ``ByteReader``;
``sub(n)`` opens a reader over the next ``n`` bytes only, so an inner length can never read
into the next container, and running short raises ``TruncatedError`` instead of
``IndexError``.
"""

from __future__ import annotations

from egts_server.codec.errors import TruncatedError


class ByteReader:
    """Little-endian cursor over one container."""

    __slots__ = ("_view", "_pos")

    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        self._view = memoryview(data)
        self._pos = 0

    @property
    def remaining(self) -> int:
        """Bytes not read yet."""
        return len(self._view) - self._pos

    @property
    def offset(self) -> int:
        """Bytes read so far."""
        return self._pos

    def take(self, n: int) -> memoryview:
        """The next ``n`` bytes as a view; ``TruncatedError`` if fewer remain."""
        if n < 0 or n > self.remaining:
            raise TruncatedError(f"need {n} bytes at offset {self._pos}, {self.remaining} left")
        start = self._pos
        self._pos += n
        return self._view[start : self._pos]

    def read(self, n: int) -> bytes:
        """The next ``n`` bytes as an immutable copy."""
        return bytes(self.take(n))

    def rest(self) -> bytes:
        """Everything not read yet."""
        return bytes(self.take(self.remaining))

    def sub(self, n: int) -> ByteReader:
        """A reader over the next ``n`` bytes only: an inner length can never leak outward."""
        return ByteReader(self.take(n))

    def uint(self, size: int) -> int:
        return int.from_bytes(self.take(size), "little")

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return self.uint(2)

    def u24(self) -> int:
        return self.uint(3)

    def u32(self) -> int:
        return self.uint(4)

    def i16(self) -> int:
        return int.from_bytes(self.take(2), "little", signed=True)

    def cstring(self, limit: int | None = None) -> bytes:
        """Bytes up to a 0x00 terminator (consumed, not returned); ``limit`` caps the text."""
        view = self._view[self._pos :]
        end = bytes(view).find(b"\x00")
        if end < 0:
            raise TruncatedError(f"string at offset {self._pos} has no 0x00 terminator")
        if limit is not None and end > limit:
            raise TruncatedError(f"string at offset {self._pos} longer than {limit} bytes")
        text = self.read(end)
        self._pos += 1
        return text


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

    def u8(self, value: int) -> ByteWriter:
        return self.uint(value, 1)

    def u16(self, value: int) -> ByteWriter:
        return self.uint(value, 2)

    def u24(self, value: int) -> ByteWriter:
        return self.uint(value, 3)

    def u32(self, value: int) -> ByteWriter:
        return self.uint(value, 4)

    def i16(self, value: int) -> ByteWriter:
        if not -0x8000 <= value < 0x8000:
            raise ValueError(f"{value} does not fit in a signed 16-bit field")
        self._buf += value.to_bytes(2, "little", signed=True)
        return self

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
