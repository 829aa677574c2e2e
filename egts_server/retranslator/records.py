"""A stored fix as an EGTS TELEDATA record: the inverse of ``codec.egts.to_positions``.

The upstream should see what the terminal told us, so everything the fix kept goes back on
the wire: POS_DATA always; EXT_POS_DATA when DOPs, satellites or navigation systems are known;
AD_SENSORS_DATA for digital inputs past the eighth, outputs and analog inputs; COUNTERS_DATA
for counters. Attribute numbering follows ``to_positions`` (a second AD_SENSORS_DATA carries
analog inputs 9-16, a second COUNTERS_DATA counters 9-16), so a fix that went through our
intake and back out through here decodes to the same ``Position`` on the other side.

Values that cannot be represented (a speed past 14 bits, an odometer past 24) are clamped to
the field's maximum rather than refused: the upstream gets the fix, slightly saturated,
instead of the whole queue stalling on it.
"""

from __future__ import annotations

import math
from typing import Final, TypeVar

from egts_server.codec.egts import EGTS_EPOCH, RecordHeader, ServiceDataRecord, ServiceType
from egts_server.codec.egts.subrecords import (
    AdSensorsData,
    AnySubrecord,
    CountersData,
    ExtPosData,
    PosData,
    PosFlags,
    encode_latitude,
    encode_longitude,
)
from egts_server.model import (
    KEY_ANALOG,
    KEY_COUNTER,
    KEY_EVENT_SOURCE,
    KEY_FIX_3D,
    KEY_MOVING,
    KEY_NAV_SYSTEMS,
    KEY_OUTPUTS,
    KEY_PDOP,
    KEY_VDOP,
    AttributeValue,
    Position,
)

_U8: Final = 0xFF
_U16: Final = 0xFFFF
_U24: Final = 0xFF_FFFF
_GROUPS: Final = 4  # AD_SENSORS / COUNTERS subrecords per fix: numbers 1-32
_S = TypeVar("_S", AdSensorsData, CountersData)


def _int(value: AttributeValue | None) -> int | None:
    """An attribute that holds a whole number (bools are flags, not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if isinstance(value, int) or value.is_integer() else None


def _clamp(value: float, top: int) -> int:
    return max(0, min(top, round(value)))


def pos_data(p: Position) -> PosData:
    """POS_DATA for one fix; flags from the typed fields, MV/FIX/SRC from the attributes."""
    a = p.attributes
    moving = a.get(KEY_MOVING)
    fix_3d = a.get(KEY_FIX_3D)
    three_d = fix_3d if isinstance(fix_3d, bool) else p.altitude_m is not None
    flags = PosFlags(0)
    for flag, on in ((PosFlags.VLD, p.valid), (PosFlags.FIX, three_d),
                     (PosFlags.CS, p.pz90), (PosFlags.BB, p.black_box),
                     (PosFlags.MV, moving if isinstance(moving, bool) else p.speed_kmh > 0),
                     (PosFlags.LAHS, p.latitude < 0), (PosFlags.LOHS, p.longitude < 0),
                     (PosFlags.ALTE, p.altitude_m is not None)):
        if on:
            flags |= flag
    source = _int(a.get(KEY_EVENT_SOURCE))
    return PosData(
        nav_time=max(0, math.floor((p.fix_time - EGTS_EPOCH).total_seconds())),
        lat_abs=encode_latitude(p.latitude), lon_abs=encode_longitude(p.longitude), flags=flags,
        speed=_clamp(p.speed_kmh * 10, 0x3FFF), direction=round(p.course_deg) % 360,
        odometer=_clamp((p.odometer_m or 0.0) / 100, _U24), inputs=(p.inputs or 0) & _U8,
        source=source & _U8 if source is not None else 0,
        below_sea=p.altitude_m is not None and p.altitude_m < 0,
        altitude=None if p.altitude_m is None else _clamp(abs(p.altitude_m), _U24))


def ext_pos_data(p: Position) -> ExtPosData | None:
    """EXT_POS_DATA when any of its fields is known; DOPs travel as value * 100."""
    a = p.attributes

    def dop(value: AttributeValue | float | None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return _clamp(value * 100, _U16)

    ext = ExtPosData(vdop=dop(a.get(KEY_VDOP)), hdop=dop(p.hdop), pdop=dop(a.get(KEY_PDOP)),
                     satellites=None if p.satellites is None else _clamp(p.satellites, _U8),
                     nav_systems=_int(a.get(KEY_NAV_SYSTEMS)))
    return ext if ext.flags else None


def sensor_subrecords(p: Position) -> list[AnySubrecord]:
    """AD_SENSORS_DATA and COUNTERS_DATA groups, numbered as ``to_positions`` reads them.

    The n-th subrecord of a kind carries numbers 8(n-1)+1 .. 8n, so a later group is preceded
    by (possibly empty) earlier ones: adc9 alone still needs an empty first AD_SENSORS_DATA.
    """
    a = p.attributes
    inputs = p.inputs or 0
    outputs = _int(a.get(KEY_OUTPUTS))
    ad: list[AdSensorsData | None] = []
    counters: list[CountersData | None] = []
    for group in range(_GROUPS):
        base = 8 * group
        digital = {}
        if group == 0:  # ADIO octet n carries inputs 8n+1 .. 8n+8; DIN has inputs 1-8
            digital = {n: inputs >> (8 * n) & _U8 for n in range(1, 9) if inputs >> (8 * n) & _U8}
        analog = {n: _clamp(v, _U24) for n in range(1, 9)
                  if (v := _int(a.get(KEY_ANALOG.format(n=n + base)))) is not None}
        has_outputs = group == 0 and outputs is not None
        ad.append(AdSensorsData(outputs=(outputs or 0) & _U8 if group == 0 else 0,
                                digital=digital, analog=analog)
                  if digital or analog or has_outputs else None)
        values = {n: _clamp(v, _U24) for n in range(1, 9)
                  if (v := _int(a.get(KEY_COUNTER.format(n=n + base)))) is not None}
        counters.append(CountersData(counters=values) if values else None)
    return [*_up_to_last(ad, AdSensorsData), *_up_to_last(counters, CountersData)]


def _up_to_last(groups: list[_S | None], empty: type[_S]) -> list[_S]:
    """Groups up to the last non-empty one, gaps filled with empty subrecords."""
    last = max((i for i, g in enumerate(groups) if g is not None), default=-1)
    return [g if g is not None else empty() for g in groups[: last + 1]]


def teledata_subrecords(p: Position) -> tuple[AnySubrecord, ...]:
    ext = ext_pos_data(p)
    return (pos_data(p), *([ext] if ext is not None else []), *sensor_subrecords(p))


def teledata_record(p: Position, *, rn: int, oid: int) -> ServiceDataRecord:
    """One TELEDATA record per fix, OID in every record (records of many objects share a
    packet, so nothing may be carried forward from an earlier one)."""
    return ServiceDataRecord(
        header=RecordHeader(rn=rn, sst=ServiceType.TELEDATA, rst=ServiceType.TELEDATA, oid=oid),
        subrecords=teledata_subrecords(p))
