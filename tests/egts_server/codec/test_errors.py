"""The codec's one exception family: which errors end the connection (``FramingError``), and
what the errors carry for the reply and the log."""

from __future__ import annotations

from egts_server.codec import errors
from egts_server.codec.errors import (
    ChecksumError,
    CodecError,
    CompressionError,
    EncryptionError,
    FormatError,
    FramingError,
    HeaderChecksumError,
    HeaderEncodingError,
    HeaderFormatError,
    IdentityError,
    PacketLengthError,
    PacketTypeError,
    TruncatedError,
    UnknownServiceError,
    UnsupportedError,
    UnsupportedProtocolError,
)


def exception_classes() -> set[type[BaseException]]:
    return {c for c in vars(errors).values()
            if isinstance(c, type) and issubclass(c, BaseException)}


def test_every_exception_here_is_a_codec_error() -> None:
    """Only CodecError escapes the codec, so nothing here may stand outside the family."""
    assert all(issubclass(c, CodecError) for c in exception_classes())


def test_exactly_the_errors_that_lose_the_stream_are_framing_errors() -> None:
    """The adapter closes the connection on a FramingError and keeps it on any other."""
    framing = {c for c in exception_classes() if issubclass(c, FramingError)}
    assert framing == {FramingError, UnsupportedProtocolError, HeaderFormatError,
                       HeaderChecksumError, PacketLengthError}
    assert not any(issubclass(c, FramingError) for c in (
        ChecksumError, HeaderEncodingError, TruncatedError, FormatError, UnknownServiceError,
        IdentityError, UnsupportedError))


def test_unsupported_features_share_one_class() -> None:
    assert all(issubclass(c, UnsupportedError)
               for c in (EncryptionError, CompressionError, PacketTypeError))


def test_a_framing_error_carries_the_pid_and_the_frames_cut_before_it() -> None:
    bare = FramingError("PRV 2")
    assert (str(bare), bare.pid, bare.frames) == ("PRV 2", None, ())
    error = HeaderChecksumError("HCS", pid=21, frames=(b"a", b"b"))
    assert (error.pid, error.frames) == (21, (b"a", b"b"))


def test_a_checksum_error_names_the_part_and_both_values() -> None:
    error = ChecksumError("SFRCS", computed=0xABCD, received=0x12)
    assert str(error) == "SFRCS checksum 0x0012, computed 0xabcd"
    assert (error.part, error.computed, error.received) == ("SFRCS", 0xABCD, 0x12)
