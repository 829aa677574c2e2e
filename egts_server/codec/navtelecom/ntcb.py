"""NTCB frames (the handshake's envelope) and the FLEX field-set offer they carry.

Facts (NavTelecom's public NTCB/FLEX description): ``@NTC``, receiver and sender ids (u32 LE),
the data length (u16 LE), the data's XOR and the header's XOR, then the data. ``*>FLEX``
data: protocol, protocol version, structure version, the number of fields and the field set
(most significant bit first).
"""

from __future__ import annotations

from functools import reduce
from operator import xor
from typing import Final

from egts_server.codec.errors import ChecksumError, TruncatedError
from egts_server.codec.navtelecom.fields import field_set

NTCB_HEADER: Final = 16
PREAMBLE: Final = b"@NTC"
FLEX_OFFER: Final = b"*>FLEX"


def xor_of(data: bytes) -> int:
    return reduce(xor, data, 0)


def ntcb(receiver: int, sender: int, data: bytes) -> bytes:
    """An NTCB frame carrying ``data`` from ``sender`` to ``receiver``."""
    head = PREAMBLE + receiver.to_bytes(4, "little") + sender.to_bytes(4, "little") + len(
        data).to_bytes(2, "little") + bytes((xor_of(data),))
    return head + bytes((xor_of(head),)) + data


def check_ntcb(frame: bytes) -> bytes:
    """The data of an NTCB frame whose checksums hold; ``ChecksumError`` otherwise."""
    data = frame[NTCB_HEADER:]
    if xor_of(frame[:15]) != frame[15] or xor_of(data) != frame[14]:
        raise ChecksumError("NTCB", xor_of(data), frame[14])
    return data


def flex_offer(data: bytes) -> tuple[int, ...]:
    """The field set a ``*>FLEX`` offer enables; ``CodecError`` when it cannot be read."""
    if len(data) < 10:
        raise TruncatedError("*>FLEX without its version and field count")
    count = data[9]
    bits = data[10:]
    if len(bits) < (count + 7) // 8:
        raise TruncatedError(f"field set of {count} bits cut short")
    return field_set(bits, count)
