"""Records -> ``model.Position``: the only place EGTS wire units become domain units.

Every POS_DATA is a fix (a record may carry several). Sensor subrecords attach to the POS_DATA
they follow within the same record; sensors that come before the record's first POS_DATA
attach to that first fix. A record without POS_DATA yields no fix (there is no position to
store its sensors with). Repeated AD_SENSORS_DATA / COUNTERS_DATA subrecords under one fix
continue the numbering (second one: inputs 73-136, analog 9-16, counters 9-16).

Nothing is dropped or corrected here: invalid (VLD = 0) and black-box fixes are kept with
their flags; PZ-90.02 coordinates keep their values with ``pz90=True``.

One mapping, straight from the wire. ``wire_fixes`` runs each subrecord's table parser
(``WireTable.unpack``) over one TELEDATA record's RD and folds the field tuples into fixes; the
typed subrecord values are never built, since building them would cost more than parsing. This
is the server's path (``Session``). ``record_positions`` maps a typed record by encoding it back
to the exact bytes it came from (decode and encode are inverse) and mapping those, so typed
records and the server can never disagree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final

from egts_server.codec.egts.constants import EGTS_EPOCH
from egts_server.codec.egts.records import ServiceDataRecord
from egts_server.codec.egts.subrecords import (
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
from egts_server.codec.egts.subrecords.ext_pos_data import ExtPosFields
from egts_server.codec.egts.subrecords.liquid_level_sensor import LevelFields
from egts_server.codec.egts.subrecords.passengers_counters import PassengersFields
from egts_server.codec.egts.subrecords.pos_data import PosFields
from egts_server.codec.reader import Buffer
from egts_server.model import (
    INPUTS_IN_MASK,
    KEY_ANALOG,
    KEY_BACKUP_IN_USE,
    KEY_COUNTER,
    KEY_DIGITAL_INPUT,
    KEY_DOORS_OPENED,
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


class Fix:
    """A POS_DATA (as ``PosData.unpack`` returns it) and what the sensors after it add."""

    __slots__ = ("pos", "flags", "attributes", "satellites", "hdop", "inputs", "ad_blocks",
                 "counter_blocks")

    def __init__(self, pos: PosFields, rn: int) -> None:
        _, _, _, pos_flags, _, _, _, inputs, source, _, _, source_data = pos
        self.pos = pos
        self.flags = flags = int(pos_flags)  # FLG as a plain int: tested bit by bit below
        self.attributes: dict[str, AttributeValue] = {
            KEY_EVENT_SOURCE: source,
            KEY_MOVING: flags & _MV != 0,
            KEY_FIX_3D: flags & _FIX != 0,
            KEY_RECORD_NUMBER: rn,
        }
        if source_data:
            self.attributes[KEY_EVENT_SOURCE_DATA] = source_data.hex()
        self.satellites: int | None = None
        self.hdop: float | None = None
        self.inputs = inputs  # DIN: inputs 1-8; AD_SENSORS_DATA adds the rest
        self.ad_blocks = 0  # AD_SENSORS_DATA subrecords seen under this fix
        self.counter_blocks = 0  # COUNTERS_DATA subrecords seen under this fix

    def position(self, device: DeviceKey) -> Position:
        """The Position of this fix, built without ``Position.__init__`` (see below)."""
        nav_time, lat_abs, lon_abs, _, speed, direction, odometer, _, _, below_sea, altitude, _ = (
            self.pos)
        flags = self.flags
        latitude = lat_abs * 90 / _SCALE
        longitude = lon_abs * 180 / _SCALE
        p = _new(Position)
        _device(p, device)
        _fix_time(p, _from_timestamp(_EPOCH_SECONDS + nav_time, UTC))
        _latitude(p, -latitude if flags & _LAHS else latitude)
        _longitude(p, -longitude if flags & _LOHS else longitude)
        _valid(p, flags & _VLD != 0)
        _speed_kmh(p, speed / 10)
        _course_deg(p, float(direction))
        _altitude_m(p, None if altitude is None else float(-altitude if below_sea else altitude))
        _satellites(p, self.satellites)
        _hdop(p, self.hdop)
        _inputs(p, self.inputs)
        _odometer_m(p, odometer * 100.0)
        _black_box(p, flags & _BB != 0)
        _pz90(p, flags & _CS != 0)
        _attributes(p, MappingProxyType(self.attributes))
        return p


# Position's __init__ and __post_init__ cost more than decoding a fix does. Every value
# ``Fix.position`` sets satisfies their checks by construction: fix_time is aware; LAT and LONG
# are at most 0xFFFFFFFF, so |latitude| <= 90.0 and |longitude| <= 180.0. So it fills the slots
# directly, as the generated __init__ does. If Position's fields change, importing this fails.
_POSITION_FIELDS = ("device", "fix_time", "latitude", "longitude", "valid", "speed_kmh",
                    "course_deg", "altitude_m", "satellites", "hdop", "inputs", "odometer_m",
                    "black_box", "pz90", "attributes")
if tuple(f.name for f in dataclasses.fields(Position)) != _POSITION_FIELDS:
    raise ImportError("model.Position changed its fields: update to_positions.Fix.position")
(_device, _fix_time, _latitude, _longitude, _valid, _speed_kmh, _course_deg, _altitude_m,
 _satellites, _hdop, _inputs, _odometer_m, _black_box, _pz90, _attributes) = (
    getattr(Position, name).__set__ for name in _POSITION_FIELDS)
_new = object.__new__
_from_timestamp = datetime.fromtimestamp


# -- what each sensor table adds to its fix ---------------------------------------------------


def _ext_pos(fix: Fix, values: ExtPosFields) -> None:
    vdop, hdop, pdop, satellites, nav_systems, _ = values
    if hdop is not None:
        fix.hdop = hdop / 100
    if satellites is not None:
        fix.satellites = satellites
    a = fix.attributes
    if vdop is not None:
        a[KEY_VDOP] = vdop / 100
    if pdop is not None:
        a[KEY_PDOP] = pdop / 100
    if nav_systems is not None:
        a[KEY_NAV_SYSTEMS] = nav_systems


def _ad_sensors(fix: Fix, values: AdSensorsFields) -> None:
    outputs, digital, analog = values
    base = 8 * fix.ad_blocks
    fix.ad_blocks += 1
    a = fix.attributes
    for n, octet in digital.items():
        shift = 8 * (n + base)  # ADIO n holds inputs shift + 1 ... shift + 8
        fix.inputs |= octet << shift & _MASK
        for bit in range(max(0, INPUTS_IN_MASK - shift), 8):  # the ones past the mask
            a[_DIGITAL[shift + bit + 1]] = octet >> bit & 1
    for n, value in analog.items():
        a[_ANALOG[n + base]] = value
    a[KEY_OUTPUTS] = outputs


def _counters(fix: Fix, values: tuple[Any, ...]) -> None:
    base = 8 * fix.counter_blocks
    fix.counter_blocks += 1
    a = fix.attributes
    for n, value in values[0].items():
        a[_COUNTER[n + base]] = value


def _state(fix: Fix, values: tuple[int, int, int, int, int]) -> None:
    state, main, backup, internal, flags = values
    a = fix.attributes
    a[KEY_TERMINAL_STATE] = state
    a[KEY_VOLTAGE_MAIN] = main / 10
    a[KEY_VOLTAGE_BACKUP] = backup / 10
    a[KEY_VOLTAGE_INTERNAL] = internal / 10
    a[KEY_NAV_MODULE_ON] = flags & 0x04 != 0
    a[KEY_BACKUP_IN_USE] = flags & 0x02 != 0
    a[KEY_INTERNAL_BATTERY_IN_USE] = flags & 0x01 != 0


def _loops(fix: Fix, values: tuple[Any, ...]) -> None:
    a = fix.attributes
    for n, state in values[0].items():
        a[_LOOP[n]] = state


def _abs_loop(fix: Fix, values: tuple[int, int]) -> None:
    fix.attributes[_LOOP[values[0]]] = values[1]


def _abs_digital(fix: Fix, values: tuple[int, int]) -> None:
    fix.attributes[_DIGITAL[values[0]]] = values[1]


def _abs_analog(fix: Fix, values: tuple[int, int]) -> None:
    fix.attributes[_ANALOG[values[0]]] = values[1]


def _abs_counter(fix: Fix, values: tuple[int, int]) -> None:
    fix.attributes[_COUNTER[values[0]]] = values[1]


def _liquid_level(fix: Fix, values: LevelFields) -> None:
    number, address, unit, error, value, raw, _ = values
    address_key, error_key, level_key, unit_key, raw_key = _LLS_KEYS[number]
    a = fix.attributes
    a[address_key] = address
    a[error_key] = error
    if value is not None:
        a[level_key] = value
        a[unit_key] = _LLS_UNITS[unit]
    if raw is not None:
        a[raw_key] = raw.hex()


def _passengers(fix: Fix, values: PassengersFields) -> None:
    _, doors_opened, doors, raw, _, _ = values
    a = fix.attributes
    a[KEY_DOORS_OPENED] = doors_opened
    if raw is not None:
        a[KEY_PASSENGERS_RAW] = raw.hex()
    for n, (entered, left) in doors.items():
        a[_PASSENGERS_IN[n]] = entered
        a[_PASSENGERS_OUT[n]] = left


Fold = Callable[[Fix, Any], None]


def _nothing(fix: Fix, values: tuple[Any, ...]) -> None:
    """RECORD_RESPONSE in a TELEDATA record: checked by its parser, adds nothing to a fix."""


_FOLDS: Final[dict[type[WireTable], Fold]] = {
    ExtPosData: _ext_pos, AdSensorsData: _ad_sensors, CountersData: _counters,
    StateData: _state, StateDataSrt21: _state, LoopinData: _loops, AbsLoopinData: _abs_loop,
    AbsDigSensData: _abs_digital, AbsAnSensData: _abs_analog, AbsCntrData: _abs_counter,
    LiquidLevelSensor: _liquid_level, PassengersCounters: _passengers,
}
_Unpack = Callable[[Buffer, int, int], tuple[Any, ...]]
# SRT -> (the table's parser, its fold), None without a table; POS_DATA has no fold: it
# starts a fix. A tuple indexed by the SRT byte, as this runs for every subrecord received.
_WIRE: Final[tuple[tuple[_Unpack, Fold | None] | None, ...]] = tuple(
    None if table is None else (table.unpack, None if table is PosData
                                else _FOLDS.get(table, _nothing))
    for table in (TELEDATA_TABLES.get(srt) for srt in range(256)))


def wire_fixes(rd: Buffer, start: int, end: int, rn: int) -> list[Fix]:
    """Every fix of one TELEDATA record whose RD is ``rd[start:end]``; every subrecord checked.

    Subrecords without a table are skipped (the typed path keeps them raw). Raises
    ``CodecError`` subclasses, as decoding the record would.
    """
    fixes: list[Fix] = []
    early: list[tuple[Fold, tuple[Any, ...]]] = []  # sensors before the first POS_DATA
    fix: Fix | None = None
    for srt, at, stop in subrecord_spans(rd, start, end):
        table = _WIRE[srt]
        if table is None:
            continue
        unpack, fold = table
        values = unpack(rd, at, stop)
        if fold is None:
            fix = Fix(values, rn)  # POS_DATA: PosData.unpack returned PosFields
            fixes.append(fix)
            if early:  # sensors that came before the first fix
                for early_fold, early_values in early:
                    early_fold(fix, early_values)
                early.clear()
        elif fix is not None:
            fold(fix, values)
        else:
            early.append((fold, values))
    return fixes


def record_positions(record: ServiceDataRecord, device: DeviceKey) -> list[Position]:
    """Every fix of one TELEDATA record, attributed to ``device`` (see module docstring)."""
    rd = encode_subrecords(record.subrecords)
    return [fix.position(device) for fix in wire_fixes(rd, 0, len(rd), record.header.rn)]


def positions_of(records: Sequence[tuple[ServiceDataRecord, DeviceKey]]) -> list[Position]:
    """Fixes of several records, each with its own device."""
    return [p for record, device in records for p in record_positions(record, device)]
