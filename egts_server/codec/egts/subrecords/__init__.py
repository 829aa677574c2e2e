"""Subrecord tables and the registry that dispatches on (service, SRT).

SRT numbers are only unique within a service (TELEDATA 20 is STATE_DATA, ECALL 20 is
ACCEL_DATA), so the key is the pair; SRT 0 is RECORD_RESPONSE in every service. Pairs
without an entry decode to ``UnknownSubrecord`` with the raw SRD: they are kept and skipped,
never fatal.

Policy for a known subrecord that does not fit its table (bytes left over, too short, a value
out of range): SRL is authoritative, so the record around it is still intact. An *optional*
TELEDATA subrecord (every table but POS_DATA and RECORD_RESPONSE: precision and sensors) costs
only itself: it becomes a ``MalformedSubrecord`` with its raw SRD, and the fix is still stored
and confirmed (peers keep such fixes too). Any other table is strict: the record is refused
with INC_DATAFORM. Tables with a variable tail (POS_DATA's SRCD, DISPATCHER_IDENTITY's DSCR,
...) consume it explicitly, so they never leave bytes over.

Every table of TELEDATA, and RECORD_RESPONSE, is a ``WireTable``: its parser reads a whole span
at once and yields field values, which the server's path folds into Positions without building
the values (``TELEDATA_TABLES``). The other services' tables read field by field from a
``ByteReader`` and are only ever built as values. Imports only ``codec.reader``,
``codec.errors`` and the EGTS constants.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator, Mapping
from typing import Final

from egts_server.codec.egts.constants import ServiceType
from egts_server.codec.egts.subrecords.abs_an_sens_data import AbsAnSensData
from egts_server.codec.egts.subrecords.abs_cntr_data import AbsCntrData
from egts_server.codec.egts.subrecords.abs_dig_sens_data import AbsDigSensData
from egts_server.codec.egts.subrecords.abs_loopin_data import AbsLoopinData
from egts_server.codec.egts.subrecords.accel_data import AccelData, AccelSample
from egts_server.codec.egts.subrecords.ad_sensors_data import AdSensorsData
from egts_server.codec.egts.subrecords.auth_info import AuthInfo
from egts_server.codec.egts.subrecords.auth_params import AuthParams
from egts_server.codec.egts.subrecords.base import (
    AnySubrecord,
    MalformedSubrecord,
    Subrecord,
    UnknownSubrecord,
    WireTable,
    subrecord_type,
)
from egts_server.codec.egts.subrecords.command_data import (
    CommandBody,
    CommandData,
    CommandType,
    ConfirmationType,
)
from egts_server.codec.egts.subrecords.counters_data import CountersData
from egts_server.codec.egts.subrecords.dispatcher_identity import DispatcherIdentity
from egts_server.codec.egts.subrecords.ext_pos_data import ExtPosData, ExtPosFlags, NavSystem
from egts_server.codec.egts.subrecords.liquid_level_sensor import LevelUnit, LiquidLevelSensor
from egts_server.codec.egts.subrecords.loopin_data import LoopinData
from egts_server.codec.egts.subrecords.module_data import ModuleData
from egts_server.codec.egts.subrecords.passengers_counters import PassengersCounters
from egts_server.codec.egts.subrecords.pos_data import (
    PosData,
    PosFlags,
    encode_latitude,
    encode_longitude,
)
from egts_server.codec.egts.subrecords.record_response import RecordResponse
from egts_server.codec.egts.subrecords.result_code import ResultCodeData
from egts_server.codec.egts.subrecords.service_info import ServiceEntry, ServiceInfo
from egts_server.codec.egts.subrecords.state_data import StateData, StateDataSrt21, TerminalState
from egts_server.codec.egts.subrecords.term_identity import TermIdentity, TermIdentityFlags
from egts_server.codec.egts.subrecords.vehicle_data import VehicleData
from egts_server.codec.errors import CodecError, FormatError, TruncatedError
from egts_server.codec.reader import Buffer, ByteReader, ByteWriter

#: TELEDATA SRT -> table; every one of them parses a span at once (see module docstring).
#: Keys are plain ints (the tables' SRT enum members converted) for the fastest lookup by byte.
TELEDATA_TABLES: Final[Mapping[int, type[WireTable]]] = {int(cls.SRT): cls for cls in (
    RecordResponse, PosData, ExtPosData, AdSensorsData, CountersData, StateData, StateDataSrt21,
    LoopinData, AbsDigSensData, AbsAnSensData, AbsCntrData, AbsLoopinData, LiquidLevelSensor,
    PassengersCounters)}

_BY_SERVICE: Final[Mapping[ServiceType, tuple[type[Subrecord], ...]]] = {
    ServiceType.AUTH: (RecordResponse, TermIdentity, ModuleData, VehicleData, DispatcherIdentity,
                       AuthParams, AuthInfo, ServiceInfo, ResultCodeData),
    ServiceType.TELEDATA: tuple(TELEDATA_TABLES.values()),
    ServiceType.COMMANDS: (RecordResponse, CommandData),
    ServiceType.FIRMWARE: (RecordResponse,),
    ServiceType.ECALL: (RecordResponse, AccelData),
}

#: (ServiceType, SRT) -> table. Typed with int keys so raw SST bytes look up without conversion.
REGISTRY: Final[Mapping[tuple[int, int], type[Subrecord]]] = {
    (service, int(cls.SRT)): cls for service, classes in _BY_SERVICE.items() for cls in classes
}
_HEADER: Final = struct.Struct("<BH")  # SRT, SRL
#: TELEDATA SRTs whose malformed SRD costs only that subrecord (see module docstring).
OPTIONAL_TELEDATA: Final = frozenset(
    srt for srt in TELEDATA_TABLES if srt not in (PosData.SRT, RecordResponse.SRT))


def subrecord_spans(rd: Buffer, start: int, end: int) -> list[tuple[int, int, int]]:
    """``(SRT, start, end)`` of each subrecord's SRD in ``rd[start:end]``, in order.

    ``TruncatedError`` when a subrecord header or an SRL runs past the end of RD.
    """
    spans = []
    while start < end:
        if end - start < 3:
            raise TruncatedError(f"subrecord header needs 3 bytes, {end - start} left")
        srt, srl = _HEADER.unpack_from(rd, start)
        start += 3
        stop = start + srl
        if stop > end:
            raise TruncatedError(f"SRL {srl} of SRT {srt} runs past RD ({end - start} left)")
        spans.append((srt, start, stop))
        start = stop
    return spans


def iter_subrecords(service: int, body: ByteReader) -> Iterator[AnySubrecord]:
    """Subrecords of one record's RD; SRL bounds each one, strictly (see module docstring)."""
    rd, rd_start, rd_end = body.span()
    for srt, start, end in subrecord_spans(rd, rd_start, rd_end):
        cls = REGISTRY.get((service, srt))  # IntEnum keys hash and compare like ints
        if cls is None and srt == RecordResponse.SRT:  # SRT 0 in every service, even unknown
            cls = RecordResponse
        if cls is None:
            yield UnknownSubrecord(service=service, srt=srt, data=bytes(rd[start:end]))
            continue
        try:
            yield _decode(cls, rd, start, end)
        except CodecError as error:
            if service != ServiceType.TELEDATA or srt not in OPTIONAL_TELEDATA:
                raise
            yield MalformedSubrecord(service=service, srt=srt, data=bytes(rd[start:end]),
                                     reason=str(error))


def _decode(cls: type[Subrecord], rd: Buffer, start: int, end: int) -> Subrecord:
    """One subrecord's SRD by its table, which must use every byte of it."""
    data = ByteReader(rd, start, end)
    try:
        value = cls.decode(data)
    except ValueError as error:  # a value the table's invariants reject
        raise FormatError(f"{cls.__name__}: {error}") from error
    if data.remaining:
        raise FormatError(f"{cls.__name__} left {data.remaining} of its bytes unread")
    return value


def encode_subrecords(subrecords: Iterable[AnySubrecord]) -> bytes:
    """RD for these subrecords: SRT, SRL, SRD each."""
    w = ByteWriter()
    for sub in subrecords:
        if isinstance(sub, UnknownSubrecord):
            data = sub.data
        else:
            inner = ByteWriter()
            sub.encode(inner)
            data = inner.getvalue()
        w.u8(subrecord_type(sub)).u16(len(data)).raw(data)
    return w.getvalue()


__all__ = [
    "REGISTRY",
    "AbsAnSensData",
    "AbsCntrData",
    "AbsDigSensData",
    "AbsLoopinData",
    "AccelData",
    "AccelSample",
    "AdSensorsData",
    "AnySubrecord",
    "AuthInfo",
    "AuthParams",
    "CommandBody",
    "CommandData",
    "CommandType",
    "ConfirmationType",
    "CountersData",
    "DispatcherIdentity",
    "ExtPosData",
    "ExtPosFlags",
    "LevelUnit",
    "LiquidLevelSensor",
    "LoopinData",
    "MalformedSubrecord",
    "ModuleData",
    "OPTIONAL_TELEDATA",
    "NavSystem",
    "PassengersCounters",
    "PosData",
    "PosFlags",
    "RecordResponse",
    "ResultCodeData",
    "ServiceEntry",
    "ServiceInfo",
    "StateData",
    "StateDataSrt21",
    "Subrecord",
    "TELEDATA_TABLES",
    "TermIdentity",
    "TermIdentityFlags",
    "TerminalState",
    "UnknownSubrecord",
    "VehicleData",
    "WireTable",
    "encode_latitude",
    "encode_longitude",
    "encode_subrecords",
    "iter_subrecords",
    "subrecord_spans",
    "subrecord_type",
]
