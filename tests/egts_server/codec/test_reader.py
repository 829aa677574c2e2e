"""ByteReader / ByteWriter: little-endian, bounded, and only TruncatedError on short input."""

import pytest

from egts_server.codec.errors import FormatError, TruncatedError
from egts_server.codec.reader import ByteReader, ByteWriter, wrong_length


def test_reads_little_endian_integers() -> None:
    """u8/u16/u24/u32/i16 read little-endian and advance the cursor."""
    r = ByteReader(bytes.fromhex("01 0201 050403 09080706 feff"))
    assert (r.u8(), r.u16(), r.u24(), r.u32(), r.i16()) == (1, 0x102, 0x30405, 0x6070809, -2)
    assert r.remaining == 0


def test_short_input_raises_truncated() -> None:
    """Reading past the end raises TruncatedError, never IndexError."""
    r = ByteReader(b"\x01")
    with pytest.raises(TruncatedError):
        r.u16()


def test_sub_reader_cannot_read_past_its_length() -> None:
    """A sub-reader is bounded to its length even when the parent has more bytes."""
    r = ByteReader(b"\x01\x02\x03\x04")
    inner = r.sub(2)
    assert inner.u16() == 0x0201
    with pytest.raises(TruncatedError):
        inner.u8()
    assert r.u16() == 0x0403


def test_cstring_needs_terminator() -> None:
    """cstring stops at 0x00 and raises when the terminator is missing."""
    r = ByteReader(b"ab\x00cd")
    assert r.cstring() == b"ab"
    with pytest.raises(TruncatedError):
        r.cstring()


def test_cstring_limit_is_enforced() -> None:
    """A string longer than its limit is refused."""
    with pytest.raises(TruncatedError):
        ByteReader(b"abc\x00").cstring(2)


def test_writer_round_trips_reader() -> None:
    """What ByteWriter writes ByteReader reads back."""
    data = ByteWriter().u8(1).u16(2).u24(3).u32(4).i16(-5).cstring(b"x").getvalue()
    r = ByteReader(data)
    assert (r.u8(), r.u16(), r.u24(), r.u32(), r.i16(), r.cstring()) == (1, 2, 3, 4, -5, b"x")


@pytest.mark.parametrize("write", [lambda w: w.u8(256), lambda w: w.u16(-1),
                                   lambda w: w.i16(40000), lambda w: w.fixed(b"ab", 3)])
def test_writer_refuses_values_that_do_not_fit(write) -> None:  # type: ignore[no-untyped-def]
    """Out-of-range values raise ValueError instead of being truncated."""
    with pytest.raises(ValueError):
        write(ByteWriter())


def test_span_hands_over_the_rest_and_consumes_it() -> None:
    """span() gives (buffer, start, end) of what is left; window() does not consume."""
    r = ByteReader(b"\x01\x02\x03\x04", 1, 3)
    data, start, end = r.window()
    assert (bytes(data[start:end]), r.remaining) == (b"\x02\x03", 2)
    r.skip(1)
    data, start, end = r.span()
    assert (bytes(data[start:end]), r.remaining) == (b"\x03", 0)
    with pytest.raises(TruncatedError):
        r.skip(1)


@pytest.mark.parametrize(("length", "error"), [(3, TruncatedError), (5, FormatError)])
def test_wrong_length_names_short_and_long_spans(length: int, error: type) -> None:
    """A span shorter than its layout is truncated; a longer one leaves bytes unread."""
    assert type(wrong_length("TABLE", length, 4)) is error
