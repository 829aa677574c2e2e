"""The one exception family the codec raises on input.

Every byte string fed to a framer or a parser either yields values or raises a ``CodecError``
subclass; ``IndexError``/``struct.error`` never escape because all reading goes through
``ByteReader`` or through span parsers that check a span's length before unpacking it
(``reader.py``). The classes name *what* is wrong; which reply code and whether the connection
survives is decided by one table per protocol (``codec/egts/responses.py`` for EGTS).
"""

from __future__ import annotations


class CodecError(Exception):
    """A peer sent bytes we refuse. The only exception family the codec raises on input."""


class FramingError(CodecError):
    """The stream can no longer be cut into packets; the connection has to go.

    ``pid`` is the packet identifier as read from the (untrusted) header, when at least that
    much arrived; a reply may quote it as RPID. ``frames`` holds the complete frames the framer
    cut *before* it met the bad bytes in the same ``feed`` call: handle them, then close.
    """

    def __init__(self, message: str, *, pid: int | None = None,
                 frames: tuple[bytes, ...] = ()) -> None:
        super().__init__(message)
        self.pid = pid
        self.frames = frames


class UnsupportedProtocolError(FramingError):
    """Protocol version or prefix is not one we speak (or the peer is not EGTS at all)."""


class HeaderFormatError(FramingError):
    """The transport header's length or layout is inconsistent, so lengths cannot be trusted."""


class HeaderChecksumError(FramingError):
    """The header checksum does not match, so its length fields cannot be trusted."""


class PacketLengthError(FramingError):
    """The declared length exceeds the protocol's maximum, or a frame disagrees with it."""


class ChecksumError(CodecError):
    """A body checksum does not match; framing is intact, the content is not."""

    def __init__(self, part: str, computed: int, received: int) -> None:
        super().__init__(f"{part} checksum {received:#06x}, computed {computed:#06x}")
        self.part = part
        self.computed = computed
        self.received = received


class HeaderEncodingError(CodecError):
    """The header declares an encoding that no standard defines (framing still intact)."""


class UnsupportedError(CodecError):
    """Well-formed, but uses a feature this codec does not implement."""


class EncryptionError(UnsupportedError):
    """The body is encrypted and no key or algorithm is available."""


class CompressionError(UnsupportedError):
    """The body is compressed and no algorithm is defined."""


class PacketTypeError(UnsupportedError):
    """A packet type we do not process (unknown, or signed data without signature support)."""


class TruncatedError(CodecError):
    """A field or a length prefix runs past the end of its container."""


class FormatError(CodecError):
    """The bytes are all there but do not fit the layout (leftovers, bad lengths, bad values)."""


class UnknownServiceError(CodecError):
    """A record addresses a service type this codec does not know."""


class IdentityError(CodecError):
    """Data or a login that cannot be attributed to any terminal identifier."""
