"""Per-connection state machine for the server side of NavTelecom NTCB/FLEX.

``*>S:<imei>`` (in an NTCB frame) names the connection (``navtelecom:<imei>``) and is a
``Login``, answered ``*<S`` once the registry said yes. ``*>FLEX`` proposes the protocol
version (FLEX 1.0, 2.0, 3.0) and the field set; the set is taken (``Negotiated``) and the
version echoed in ``*<FLEX``. ``~A`` (archive, many records) and ``~T`` (current record)
are answered after commit with their type, the count or event index and a CRC-8. A frame
whose checksum does not hold is not answered (the device resends). Never raises.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from egts_server.codec.crc import crc8_egts
from egts_server.codec.errors import ChecksumError, CodecError, IdentityError, PacketTypeError
from egts_server.codec.handled import Handled
from egts_server.codec.navtelecom.fields import read_record, record_position, record_size
from egts_server.codec.navtelecom.frame import Negotiated
from egts_server.codec.navtelecom.ntcb import FLEX_OFFER, check_ntcb, flex_offer, ntcb
from egts_server.codec.tracker_session import LoginWithAnswer, TrackerSession
from egts_server.model import DeviceKey

PROTOCOL: Final = "navtelecom"


def flex_answer(prefix: bytes) -> bytes:
    return prefix + bytes((crc8_egts(prefix),))


class Session(TrackerSession):
    def __init__(self, negotiated: Negotiated) -> None:
        super().__init__()
        self._negotiated = negotiated  # taken by the framer as it cuts each *>FLEX offer

    def handle(self, frame: bytes) -> Handled[str]:
        fields = None if frame[:1] == b"@" else self._negotiated.cut_with.popleft()
        if self._refused:
            return Handled(close=True)
        if fields is None:
            return self._ntcb(frame)
        return self._flex(frame, fields)

    def _ntcb(self, frame: bytes) -> Handled[str]:
        receiver = int.from_bytes(frame[4:8], "little")
        sender = int.from_bytes(frame[8:12], "little")
        try:
            data = check_ntcb(frame)
        except ChecksumError as error:
            return Handled(error=error)
        if data.startswith(b"*>S"):
            identifier = data[4:].decode("ascii", "replace").strip()
            if not identifier:
                return Handled(error=IdentityError("*>S without an IMEI"))
            self._device = DeviceKey(PROTOCOL, identifier[:64])
            return Handled(login=LoginWithAnswer(self._device,
                                       identifier if identifier.isdigit() else None,
                                       MappingProxyType({}),
                                       answer=ntcb(sender, receiver, b"*<S")))
        if data.startswith(FLEX_OFFER):
            return self._negotiate(data, receiver, sender)
        return Handled(error=PacketTypeError(f"NTCB command {data[:6]!r} not handled"))

    def _negotiate(self, data: bytes, receiver: int, sender: int) -> Handled[str]:
        """The framer has already adopted the offer; answer it, or report why it could not."""
        try:
            flex_offer(data)
        except CodecError as error:
            return Handled(error=error, close=True)
        return Handled(ack=ntcb(sender, receiver, b"*<FLEX" + data[6:9]))

    def _flex(self, frame: bytes, fields: tuple[int, ...]) -> Handled[str]:
        if self._device is None:
            return Handled(error=IdentityError("FLEX data before *>S"), close=True)
        if crc8_egts(frame[:-1]) != frame[-1]:
            return Handled(error=ChecksumError("FLEX", crc8_egts(frame[:-1]), frame[-1]))
        size = record_size(fields)
        if frame[1:2] == b"A":
            start, count, prefix = 3, frame[2], frame[:3]
        else:
            start, count, prefix = 6, 1, frame[:6]
        records = [read_record(frame[start + i * size:start + (i + 1) * size], fields)
                   for i in range(count)]
        positions = tuple(p for p in (record_position(r, self._device) for r in records)
                          if p is not None)
        return Handled(positions=positions, ack=flex_answer(prefix))
