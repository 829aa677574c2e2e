"""Records -> ``model.Position``: the only place EGTS wire units become domain units.

Every POS_DATA is a fix (a record may carry several). Sensor subrecords attach to the POS_DATA
they follow within the same record; sensors that come before the record's first POS_DATA
attach to that first fix. A record without POS_DATA yields no fix (there is no position to
store its sensors with). Repeated AD_SENSORS_DATA / COUNTERS_DATA subrecords under one fix
continue the numbering (second one: inputs 73-136, analog 9-16, counters 9-16).

Nothing is corrected here: invalid (VLD = 0) and black-box fixes are kept with their flags;
PZ-90.02 coordinates keep their values with ``pz90=True``. An optional subrecord (precision or
a sensor) that does not fit its table is left out alone: its raw SRD goes with the fix under
``dropped_<table>_raw`` and its name into ``dropped`` (the subrecords' module docstring says
why); a bad POS_DATA still refuses the record.

One mapping, straight from the wire. ``teledata_positions`` runs each subrecord's table parser
(``WireTable.unpack``) over one TELEDATA record's RD and folds the field tuples into fixes; the
typed subrecord values are never built, since building them would cost more than parsing. This
is the server's path (``Session``). ``record_positions`` maps a typed record by encoding it back
to the exact bytes it came from (decode and encode are inverse) and mapping those, so typed
records and the server can never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final

from egts_server.codec.egts.constants import EGTS_EPOCH
from egts_server.codec.egts.records import ServiceDataRecord
from egts_server.codec.egts.subrecords import (
    OPTIONAL_TELEDATA,
    TELEDATA_TABLES,
    AbsAnSensData,
    AbsCntrData,
    AbsDigSensData,
    AbsLoopinData,
    AdSensorsData,
    CountersData,
    ExtPosData,
    LiquidLevelSensor,
    LoopinData,
    PassengersCounters,
    PosData,
    StateData,
    StateDataSrt21,
    WireTable,
    encode_subrecords,
    subrecord_spans,
)
from egts_server.codec.egts.subrecords.ad_sensors_data import AdSensorsFields
from egts_server.codec.egts.subrecords.liquid_level_sensor import LevelFields
from egts_server.codec.egts.subrecords.passengers_counters import PassengersFields
from egts_server.codec.egts.subrecords.pos_data import PosFields
from egts_server.codec.errors import CodecError
from egts_server.codec.reader import Buffer
from egts_server.model import (
    INPUTS_IN_MASK,
    KEY_ANALOG,
    KEY_BACKUP_IN_USE,
    KEY_COUNTER,
    KEY_DIGITAL_INPUT,
    KEY_DOORS_OPENED,
    KEY_DROPPED_RAW,
    KEY_EVENT_SOURCE,
    KEY_EVENT_SOURCE_DATA,
    KEY_FIX_3D,
    KEY_INTERNAL_BATTERY_IN_USE,
    KEY_LLS_ADDRESS,
    KEY_LLS_ERROR,
    KEY_LLS_LEVEL,
    KEY_LLS_RAW,
    KEY_LLS_UNIT,
    KEY_LOOP,
    KEY_MOVING,
    KEY_NAV_MODULE_ON,
    KEY_NAV_SYSTEMS,
    KEY_OUTPUTS,
    KEY_PASSENGERS_IN,
    KEY_PASSENGERS_OUT,
    KEY_PASSENGERS_RAW,
    KEY_PDOP,
    KEY_RECORD_NUMBER,
    KEY_TERMINAL_STATE,
    KEY_VDOP,
    KEY_VOLTAGE_BACKUP,
    KEY_VOLTAGE_INTERNAL,
    KEY_VOLTAGE_MAIN,
    AttributeValue,
    DeviceKey,
    Position,
)

# POS_DATA FLG bits (PosFlags, as plain ints: IntFlag operators run Python code)
_VLD, _FIX, _CS, _BB, _MV, _LAHS, _LOHS = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40
_SCALE: Final = 0xFFFF_FFFF  # LAT = |deg| / 90 * _SCALE, LONG = |deg| / 180 * _SCALE
_EPOCH_SECONDS: Final = int(EGTS_EPOCH.timestamp())  # NTM 0 as a Unix time


class _Keys(dict[int, str]):
    """Attribute keys of one numbered template ("adc{n}"), each formatted once."""

    __slots__ = ("_template",)

    def __init__(self, template: str) -> None:
        super().__init__()
        self._template = template

    def __missing__(self, n: int) -> str:
        key = self._template.format(n=n)
        if n < 4096:  # every number a table can carry (12 bits at most); AD blocks go beyond
            self[n] = key
        return key


_MASK = (1 << INPUTS_IN_MASK) - 1
_ANALOG, _COUNTER, _DIGITAL, _LOOP = (
    _Keys(KEY_ANALOG), _Keys(KEY_COUNTER), _Keys(KEY_DIGITAL_INPUT), _Keys(KEY_LOOP))
_PASSENGERS_IN, _PASSENGERS_OUT = _Keys(KEY_PASSENGERS_IN), _Keys(KEY_PASSENGERS_OUT)
# LLSN (3 bits) -> its keys: address, error, level, unit, raw
_LLS_KEYS = tuple(tuple(template.format(n=n) for template in (
    KEY_LLS_ADDRESS, KEY_LLS_ERROR, KEY_LLS_LEVEL, KEY_LLS_UNIT, KEY_LLS_RAW)) for n in range(8))
_LLS_UNITS = ("raw", "percent", "0.1 l", "reserved")  # LLSVU -> KEY_LLS_UNIT value

Attributes = dict[str, AttributeValue]  # a fix's attributes while its subrecords are folded


# -- what each sensor table adds to the attributes of its fix ---------------------------------


def _state(a: Attributes, values: tuple[int, int, int, int, int]) -> None:
    state, main, backup, internal, flags = values
    a[KEY_TERMINAL_STATE] = state
    a[KEY_VOLTAGE_MAIN] = main / 10
    a[KEY_VOLTAGE_BACKUP] = backup / 10
    a[KEY_VOLTAGE_INTERNAL] = internal / 10
    a[KEY_NAV_MODULE_ON] = flags & 0x04 != 0
    a[KEY_BACKUP_IN_USE] = flags & 0x02 != 0
    a[KEY_INTERNAL_BATTERY_IN_USE] = flags & 0x01 != 0


def _loops(a: Attributes, values: tuple[Any, ...]) -> None:
    for n, state in values[0].items():
        a[_LOOP[n]] = state


def _abs_loop(a: Attributes, values: tuple[int, int]) -> None:
    a[_LOOP[values[0]]] = values[1]


def _abs_digital(a: Attributes, values: tuple[int, int]) -> None:
    a[_DIGITAL[values[0]]] = values[1]


def _abs_analog(a: Attributes, values: tuple[int, int]) -> None:
    a[_ANALOG[values[0]]] = values[1]


def _abs_counter(a: Attributes, values: tuple[int, int]) -> None:
    a[_COUNTER[values[0]]] = values[1]


def _liquid_level(a: Attributes, values: LevelFields) -> None:
    number, address, unit, error, value, raw, _ = values
    address_key, error_key, level_key, unit_key, raw_key = _LLS_KEYS[number]
    a[address_key] = address
    a[error_key] = error
    if value is not None:
        a[level_key] = value
        a[unit_key] = _LLS_UNITS[unit]
    if raw is not None:
        a[raw_key] = raw.hex()


def _passengers(a: Attributes, values: PassengersFields) -> None:
    _, doors_opened, doors, raw, _, _ = values
    a[KEY_DOORS_OPENED] = doors_opened
    if raw is not None:
        a[KEY_PASSENGERS_RAW] = raw.hex()
    for n, (entered, left) in doors.items():
        a[_PASSENGERS_IN[n]] = entered
        a[_PASSENGERS_OUT[n]] = left


def _nothing(a: Attributes, values: tuple[Any, ...]) -> None:
    """RECORD_RESPONSE in a TELEDATA record: checked by its parser, adds nothing to a fix."""


# The tables below are folded by ``teledata_positions`` itself, as they add to more than the
# attributes: POS_DATA starts a fix, EXT_POS_DATA sets typed fields, and repeated AD_SENSORS_DATA
# and COUNTERS_DATA continue the numbering of the ones before them under the same fix.


def _ad_sensors(a: Attributes, values: AdSensorsFields, base: int) -> int:
    """Analog inputs, outputs and inputs past the mask into ``a``; the digital inputs the mask
    holds as bits to add to DIN."""
    outputs, digital, analog = values
    inputs = 0
    for n, octet in digital.items():
        shift = 8 * (n + base)  # ADIO n holds inputs shift + 1 ... shift + 8
        inputs |= octet << shift & _MASK
        for bit in range(max(0, INPUTS_IN_MASK - shift), 8):  # the ones past the mask
            a[_DIGITAL[shift + bit + 1]] = octet >> bit & 1
    for n, value in analog.items():
        a[_ANALOG[n + base]] = value
    a[KEY_OUTPUTS] = outputs
    return inputs


def _counters(a: Attributes, values: tuple[Mapping[int, int]], base: int) -> None:
    for n, value in values[0].items():
        a[_COUNTER[n + base]] = value


Fold = Callable[[Attributes, Any], None]
_Unpack = Callable[[Buffer, int, int], tuple[Any, ...]]
_POS, _EXT_POS, _AD_SENSORS, _COUNTERS = (
    PosData.SRT, ExtPosData.SRT, AdSensorsData.SRT, CountersData.SRT)
_FOLDS: Final[dict[type[WireTable], Fold]] = {
    StateData: _state, StateDataSrt21: _state, LoopinData: _loops, AbsLoopinData: _abs_loop,
    AbsDigSensData: _abs_digital, AbsAnSensData: _abs_analog, AbsCntrData: _abs_counter,
    LiquidLevelSensor: _liquid_level, PassengersCounters: _passengers,
}
# SRT -> (the table's parser, its fold), None without a table; the fold is None for the four
# tables ``teledata_positions`` folds itself. A tuple indexed by the SRT byte, as this runs for
# every subrecord received.
_WIRE: Final[tuple[tuple[_Unpack, Fold | None] | None, ...]] = tuple(
    None if table is None else (table.unpack, None if table.SRT in (
        _POS, _EXT_POS, _AD_SENSORS, _COUNTERS) else _FOLDS.get(table, _nothing))
    for table in (TELEDATA_TABLES.get(srt) for srt in range(256)))


#: SRT -> the table's name as a dropped element is reported ("ext_pos_data").
DROPPED_ELEMENTS: Final[Mapping[int, str]] = MappingProxyType({
    srt: re.sub(r"(?<!^)(?=[A-Z])", "_", TELEDATA_TABLES[srt].__name__).lower()
    for srt in OPTIONAL_TELEDATA})


def teledata_positions(rd: Buffer, start: int, end: int, rn: int, device: DeviceKey,
                       dropped: list[str] | None = None) -> list[Position]:
    """Every fix of one TELEDATA record whose RD is ``rd[start:end]``; every subrecord checked.

    The fix being assembled lives in local variables (an object per fix would cost more than
    many of its sensors): ``pos`` is its POS_DATA, None until the record's first one, and the
    others what the sensors so far add. Subrecords without a table are skipped (the typed path
    keeps them raw). Raises ``CodecError`` subclasses, as decoding the record would; an
    optional subrecord that does not fit is left out and named in ``dropped``.
    """
    positions: list[Position] = []
    pos: PosFields | None = None
    attributes: Attributes = {}
    satellites: int | None = None
    hdop: float | None = None
    inputs = ad_blocks = counter_blocks = 0  # inputs: bits AD_SENSORS_DATA adds to DIN
    for srt, at, stop in subrecord_spans(rd, start, end):
        table = _WIRE[srt]
        if table is None:
            continue
        unpack, fold = table
        try:
            values = unpack(rd, at, stop)
        except CodecError:
            if srt not in OPTIONAL_TELEDATA:
                raise
            attributes[KEY_DROPPED_RAW.format(element=DROPPED_ELEMENTS[srt])] = bytes(
                rd[at:stop]).hex()
            if dropped is not None:
                dropped.append(DROPPED_ELEMENTS[srt])
            continue
        if fold is not None:
            fold(attributes, values)
        elif srt == _POS:
            if pos is not None:  # the previous fix has all its sensors: they come before this
                positions.append(_position(device, rn, pos, attributes, satellites, hdop, inputs))
                attributes, satellites, hdop = {}, None, None
                inputs = ad_blocks = counter_blocks = 0
            pos = values
        elif srt == _EXT_POS:
            vdop, ext_hdop, pdop, ext_satellites, nav_systems, _ = values
            if ext_hdop is not None:
                hdop = ext_hdop / 100
            if ext_satellites is not None:
                satellites = ext_satellites
            if vdop is not None:
                attributes[KEY_VDOP] = vdop / 100
            if pdop is not None:
                attributes[KEY_PDOP] = pdop / 100
            if nav_systems is not None:
                attributes[KEY_NAV_SYSTEMS] = nav_systems
        elif srt == _AD_SENSORS:
            inputs |= _ad_sensors(attributes, values, 8 * ad_blocks)
            ad_blocks += 1
        elif srt == _COUNTERS:
            _counters(attributes, values, 8 * counter_blocks)
            counter_blocks += 1
    if pos is not None:
        positions.append(_position(device, rn, pos, attributes, satellites, hdop, inputs))
    return positions


#: Position's fields in the order ``_position`` lists them, to build it in one call (the
#: compiled twin fills them in the same order).
POSITION_FIELDS: Final = ("device", "fix_time", "latitude", "longitude", "valid", "speed_kmh",
                          "course_deg", "altitude_m", "satellites", "hdop", "inputs",
                          "odometer_m", "black_box", "pz90", "attributes")
if Position._fields != POSITION_FIELDS:
    raise ImportError("model.Position changed its fields: update to_positions._position")
_tuple_new: Final = tuple.__new__
_from_timestamp: Final = datetime.fromtimestamp


def _position(device: DeviceKey, rn: int, pos: PosFields, attributes: Attributes,
              satellites: int | None, hdop: float | None, inputs: int) -> Position:
    """The Position of one POS_DATA, with what its sensors added (``attributes`` gets the
    POS_DATA's own keys too).

    Every value is what Position promises by construction: LAT and LONG are at most 0xFFFFFFFF,
    so |latitude| <= 90.0 and |longitude| <= 180.0, and fix_time is in UTC.
    """
    (nav_time, lat_abs, lon_abs, pos_flags, speed, direction, odometer, din, source, below_sea,
     altitude, source_data) = pos
    flags = int(pos_flags)  # IntFlag operators run Python code
    attributes[KEY_EVENT_SOURCE] = source
    attributes[KEY_MOVING] = flags & _MV != 0
    attributes[KEY_FIX_3D] = flags & _FIX != 0
    attributes[KEY_RECORD_NUMBER] = rn
    if source_data:
        attributes[KEY_EVENT_SOURCE_DATA] = source_data.hex()
    latitude = lat_abs * 90 / _SCALE
    longitude = lon_abs * 180 / _SCALE
    return _tuple_new(Position, (
        device,
        _from_timestamp(_EPOCH_SECONDS + nav_time, UTC),
        -latitude if flags & _LAHS else latitude,
        -longitude if flags & _LOHS else longitude,
        flags & _VLD != 0,
        speed / 10,
        float(direction),
        None if altitude is None else float(-altitude if below_sea else altitude),
        satellites,
        hdop,
        din | inputs,
        odometer * 100.0,
        flags & _BB != 0,
        flags & _CS != 0,
        MappingProxyType(attributes),
    ))


def record_positions(record: ServiceDataRecord, device: DeviceKey) -> list[Position]:
    """Every fix of one TELEDATA record, attributed to ``device`` (see module docstring)."""
    rd = encode_subrecords(record.subrecords)
    return teledata_positions(rd, 0, len(rd), record.header.rn, device)
