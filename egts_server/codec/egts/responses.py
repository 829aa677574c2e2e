"""What the platform sends: PT_RESPONSE, RECORD_RESPONSE, RESULT_CODE; and the error table.

``REACTIONS`` is the one table that maps each ``CodecError`` class to the EGTS_PC code that
answers it and to whether the connection survives (research/egts.md §5, GOST 33472 fig. А.2):

| error | code | scope | connection |
|---|---|---|---|
| UnsupportedProtocolError (PRV ≠ 1, PRF ≠ 0, not EGTS) | 128 UNS_PROTOCOL | packet | close |
| HeaderFormatError (HL ∉ {11, 16}, HL/RTE mismatch) | 131 INC_HEADERFORM | packet | close |
| HeaderChecksumError (HCS) | 137 HEADERCRC_ERROR | packet | close |
| PacketLengthError (packet > 65535 bytes) | 139 INVDATALEN | packet | close |
| HeaderEncodingError (HE ≠ 0) | 131 INC_HEADERFORM | packet | keep |
| ChecksumError (SFRCS) | 138 DATACRC_ERROR | packet | keep |
| EncryptionError (ENA ≠ 0) | 129 DECRYPT_ERROR | packet | keep |
| CompressionError (CMP = 1) | 132 INC_DATAFORM | packet | keep |
| PacketTypeError (PT = 2 or unknown) | 133 UNS_TYPE | packet | keep |
| TruncatedError / FormatError | 132 INC_DATAFORM | packet (SFRD not cut) or record | keep |
| UnknownServiceError (SST) | 150 SRVC_UNKN | record | keep |
| IdentityError (no terminal id) | 153 ID_NFOUND | record or RESULT_CODE | keep (1) |

(1) a login refused with RESULT_CODE 153 closes the connection.

TruncatedError/FormatError are packet-level when SFRD cannot be cut into records, otherwise
they become that record's RST. Packet-level replies quote the PID as read (RPID) and confirm
no record. The standard allows omitting the first six kinds of reply (GOST R 54619 note to
App. В); we send them because they tell the terminal's operator what is wrong and cost
nothing. A PT_RESPONSE from the terminal is never answered, whatever is wrong with it.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Final, NamedTuple

from egts_server.codec.crc import crc8_egts, crc16_ccitt
from egts_server.codec.egts.constants import (
    HEADER_LENGTH,
    PROTOCOL_VERSION,
    PacketType,
    ResultCode,
    ServiceType,
)
from egts_server.codec.egts.records import RecordHeader, ServiceDataRecord
from egts_server.codec.egts.subrecords import AnySubrecord, RecordResponse, ResultCodeData
from egts_server.codec.egts.transport import Packet, TransportHeader
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


@dataclass(frozen=True, slots=True)
class Reaction:
    """How the platform answers one kind of error."""

    code: ResultCode  # PR for packet-level errors, RST for record-level ones
    keep_open: bool  # False: close the connection after the reply


REACTIONS: Final[Mapping[type[CodecError], Reaction]] = {
    UnsupportedProtocolError: Reaction(ResultCode.UNS_PROTOCOL, keep_open=False),
    HeaderFormatError: Reaction(ResultCode.INC_HEADERFORM, keep_open=False),
    HeaderChecksumError: Reaction(ResultCode.HEADERCRC_ERROR, keep_open=False),
    PacketLengthError: Reaction(ResultCode.INVDATALEN, keep_open=False),
    FramingError: Reaction(ResultCode.UNS_PROTOCOL, keep_open=False),
    HeaderEncodingError: Reaction(ResultCode.INC_HEADERFORM, keep_open=True),
    ChecksumError: Reaction(ResultCode.DATACRC_ERROR, keep_open=True),
    EncryptionError: Reaction(ResultCode.DECRYPT_ERROR, keep_open=True),
    CompressionError: Reaction(ResultCode.INC_DATAFORM, keep_open=True),
    PacketTypeError: Reaction(ResultCode.UNS_TYPE, keep_open=True),
    UnsupportedError: Reaction(ResultCode.UNS_TYPE, keep_open=True),
    TruncatedError: Reaction(ResultCode.INC_DATAFORM, keep_open=True),
    FormatError: Reaction(ResultCode.INC_DATAFORM, keep_open=True),
    UnknownServiceError: Reaction(ResultCode.SRVC_UNKN, keep_open=True),
    IdentityError: Reaction(ResultCode.ID_NFOUND, keep_open=True),
    CodecError: Reaction(ResultCode.INC_DATAFORM, keep_open=True),
}


def reaction_for(error: CodecError) -> Reaction:
    """The table entry of the most specific class ``error`` is an instance of."""
    for cls in type(error).__mro__:
        reaction = REACTIONS.get(cls)
        if reaction is not None:
            return reaction
    return REACTIONS[CodecError]


class Counter16:
    """A cyclic 16-bit counter (PID, RN): 0, 1, ... 65535, 0, ..."""

    __slots__ = ("_next",)

    def __init__(self, start: int = 0) -> None:
        self._next = start & 0xFFFF

    def __iter__(self) -> Iterator[int]:
        return self

    def __next__(self) -> int:
        value = self._next
        self._next = (value + 1) & 0xFFFF
        return value


class Confirmation(NamedTuple):
    """One RECORD_RESPONSE to send: the record's service, its RN and the result.

    A named triple, so that a plain ``(service, rn, result)`` tuple does as well.
    """

    service: int  # SST of the confirmed record
    rn: int  # CRN
    result: int  # RST


def confirmation_records(confirmations: Iterable[tuple[int, int, int]],
                         rns: Iterator[int]) -> list[ServiceDataRecord]:
    """One SDR per service (in order of first appearance) holding its RECORD_RESPONSEs.

    SDR: RFL 0 (no OID/EVID/TM), SST = RST = the confirmed records' service.
    """
    by_service: dict[int, list[RecordResponse]] = {}
    for service, rn, result in confirmations:
        by_service.setdefault(service, []).append(
            RecordResponse(confirmed_rn=rn, result=result))
    return [
        ServiceDataRecord(header=RecordHeader(rn=next(rns), sst=service, rst=service),
                          subrecords=tuple(subs))
        for service, subs in by_service.items()
    ]


_RESPONSE_HEAD: Final = struct.Struct("<HB")  # RPID, PR
_SDR_START: Final = struct.Struct("<HHBBB")  # RL, RN, RFL 0, SST, RST
_RECORD_RESPONSE: Final = struct.Struct("<BHHB")  # SRT 0, SRL 3, CRN, RST
_HEADER: Final = struct.Struct("<BBBBBHHB")  # PRV SKID flags HL HE FDL PID PT
_PT_RESPONSE: Final = int(PacketType.RESPONSE)
_SRT_RECORD_RESPONSE: Final = RecordResponse.SRT


def build_response(*, pid: int, rpid: int, result: int,
                   confirmations: Iterable[tuple[int, int, int]] = (),
                   rns: Iterator[int] | None = None) -> bytes:
    """A PT_RESPONSE packet confirming packet ``rpid`` and, optionally, its records.

    ``confirmations`` are ``Confirmation``s or plain ``(service, rn, result)`` triples. The hot
    path of every session, so it packs bytes directly; it yields exactly what
    ``Packet(...).encode()`` of ``confirmation_records`` yields (a test holds them equal).
    """
    body = [_RESPONSE_HEAD.pack(rpid, result)]
    by_service: dict[int, list[bytes]] = {}
    for service, rn, rst in confirmations:
        subs = by_service.get(service)
        if subs is None:
            subs = by_service[service] = []
        subs.append(_RECORD_RESPONSE.pack(_SRT_RECORD_RESPONSE, 3, rn, rst))
    if by_service:
        rns = rns if rns is not None else Counter16()
        for service, subs in by_service.items():
            rd = b"".join(subs)
            body += (_SDR_START.pack(len(rd), next(rns), 0, service, service), rd)
    sfrd = b"".join(body)
    head = _HEADER.pack(PROTOCOL_VERSION, 0, 0, HEADER_LENGTH, 0, len(sfrd), pid, _PT_RESPONSE)
    return b"".join((head, bytes((crc8_egts(head),)), sfrd,
                     crc16_ccitt(sfrd).to_bytes(2, "little")))


def build_appdata(*, pid: int, rn: int, service: int,
                  subrecords: tuple[AnySubrecord, ...]) -> bytes:
    """PT_APPDATA with one record (RFL 0) of ``service`` holding ``subrecords``."""
    record = ServiceDataRecord(header=RecordHeader(rn=rn, sst=service, rst=service),
                               subrecords=subrecords)
    return Packet(header=TransportHeader(pid=pid, packet_type=PacketType.APPDATA),
                  records=(record,)).encode()


def build_result_code(*, pid: int, rn: int, code: int) -> bytes:
    """PT_APPDATA with one AUTH record (RFL 0) holding EGTS_SR_RESULT_CODE."""
    return build_appdata(pid=pid, rn=rn, service=ServiceType.AUTH,
                         subrecords=(ResultCodeData(code=code),))
