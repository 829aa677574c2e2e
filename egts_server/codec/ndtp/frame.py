"""Cutting a TCP stream into NDTP frames on the ``7E 7E`` signature; lengths only, no meaning.

NDTP has no escaping, so the signature can also occur inside data. The framer therefore trusts
a signature only when the 15-byte NPL header behind it is plausible (type 1, 2 or 3; at least
an NPH header for type 2), and otherwise moves on by one byte and searches again. Whether the
frame's CRC holds is the session's business: cutting does not depend on it, so the same bytes
are cut the same way however TCP split them.
"""

from __future__ import annotations

import struct
from typing import Final

from egts_server.codec.framing import BufferedFramer
from egts_server.codec.ndtp.constants import (
    NPH_HEADER_SIZE,
    NPL_HEADER_SIZE,
    SIGNATURE,
    NplType,
)

_SIZE_AND_TYPE: Final = struct.Struct("<H4xB")  # data_size; flags and crc skipped; type
_TYPES: Final = frozenset(int(t) for t in NplType)
_MARK: Final = SIGNATURE[0]


class Framer(BufferedFramer):
    """Feed it whatever TCP delivered; get back every complete frame, in order.

    Policy (research/nis.md §5): bytes before a signature are skipped and counted in
    ``skipped``; a false signature is skipped one byte at a time (one more than nothing, so a
    real frame right behind a stray ``7E`` is still found) and counted in
    ``false_signatures``; an incomplete frame waits for more bytes. It never raises.

    The buffer is bounded by construction: what stays buffered is either less than a header or
    one frame in the making, at most 15 + 65535 bytes; nothing is allocated from the length
    field before the bytes have arrived. A stalled partial frame is the idle timeout's job.
    """

    __slots__ = ("skipped", "false_signatures")

    def __init__(self) -> None:
        super().__init__()
        self.skipped = 0  # bytes thrown away, false signatures included
        self.false_signatures = 0

    def feed(self, data: bytes | bytearray | memoryview) -> list[bytes]:
        buf = self._buf
        buf += data
        frames: list[bytes] = []
        pos, end = 0, len(buf)
        while True:
            start = buf.find(SIGNATURE, pos)
            if start < 0:
                # A trailing 7E may be the first half of the next signature: keep it.
                keep = end - 1 if end > pos and buf[end - 1] == _MARK else end
                self.skipped += keep - pos
                pos = keep
                break
            self.skipped += start - pos
            pos = start
            if end - pos < NPL_HEADER_SIZE:
                break
            size, npl_type = _SIZE_AND_TYPE.unpack_from(buf, pos + 2)
            if npl_type not in _TYPES or (npl_type == NplType.NPH and size < NPH_HEADER_SIZE):
                self.false_signatures += 1
                self.skipped += 1
                pos += 1
                continue
            stop = pos + NPL_HEADER_SIZE + size
            if stop > end:
                break
            frames.append(bytes(buf[pos:stop]))
            pos = stop
        if pos:
            del buf[:pos]
        return frames
