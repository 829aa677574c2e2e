"""Records -> ``model.Position``: the only place EGTS wire units become domain units.

Every POS_DATA is a fix (a record may carry several). Sensor subrecords attach to the POS_DATA
they follow within the same record; sensors that come before the record's first POS_DATA
attach to that first fix. A record without POS_DATA yields no fix (there is no position to
store its sensors with). Repeated AD_SENSORS_DATA / COUNTERS_DATA subrecords under one fix
continue the numbering (second one: inputs 73-136, analog 9-16, counters 9-16).

Nothing is dropped or corrected here: invalid (VLD = 0) and black-box fixes are kept with
their flags; PZ-90.02 coordinates keep their values with ``pz90=True``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import MappingProxyType

from egts_server.codec.egts.records import ServiceDataRecord
from egts_server.codec.egts.subrecords import (
    AbsAnSensData,
    AbsCntrData,
    AbsDigSensData,
    AbsLoopinData,
    AdSensorsData,
    AnySubrecord,
    CountersData,
    ExtPosData,
    LevelUnit,
    LiquidLevelSensor,
    LoopinData,
    PassengersCounters,
    PosData,
    PosFlags,
    StateData,
)
from egts_server.model import (
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

_LLS_UNITS: dict[int, str] = {
    LevelUnit.RAW: "raw", LevelUnit.PERCENT: "percent", LevelUnit.DECILITRE: "0.1 l"}


class _Fix:
    """A POS_DATA and what the sensors after it add; becomes one Position."""

    __slots__ = ("pos", "attributes", "satellites", "hdop", "inputs", "_ad", "_counters")

    def __init__(self, pos: PosData) -> None:
        self.pos = pos
        self.attributes: dict[str, AttributeValue] = {}
        self.satellites: int | None = None
        self.hdop: float | None = None
        self.inputs = pos.inputs
        self._ad = 0  # AD_SENSORS_DATA subrecords seen under this fix
        self._counters = 0  # COUNTERS_DATA subrecords seen under this fix

    def apply(self, sub: AnySubrecord) -> None:
        """Fold one sensor subrecord into the fix; other subrecords are ignored."""
        a = self.attributes
        match sub:
            case ExtPosData():
                if sub.hdop is not None:
                    self.hdop = sub.hdop / 100
                if sub.satellites is not None:
                    self.satellites = sub.satellites
                if sub.vdop is not None:
                    a[KEY_VDOP] = sub.vdop / 100
                if sub.pdop is not None:
                    a[KEY_PDOP] = sub.pdop / 100
                if sub.nav_systems is not None:
                    a[KEY_NAV_SYSTEMS] = sub.nav_systems
            case AdSensorsData():
                base, self._ad = 8 * self._ad, self._ad + 1
                for n, octet in sub.digital.items():
                    self.inputs |= octet << (8 * (n + base))
                for n, value in sub.analog.items():
                    a[KEY_ANALOG.format(n=n + base)] = value
                a[KEY_OUTPUTS] = sub.outputs
            case CountersData():
                base, self._counters = 8 * self._counters, self._counters + 1
                for n, value in sub.counters.items():
                    a[KEY_COUNTER.format(n=n + base)] = value
            case StateData():
                a[KEY_TERMINAL_STATE] = sub.state
                a[KEY_VOLTAGE_MAIN] = sub.main_voltage / 10
                a[KEY_VOLTAGE_BACKUP] = sub.backup_voltage / 10
                a[KEY_VOLTAGE_INTERNAL] = sub.internal_voltage / 10
                a[KEY_NAV_MODULE_ON] = sub.nav_module_on
                a[KEY_BACKUP_IN_USE] = sub.backup_in_use
                a[KEY_INTERNAL_BATTERY_IN_USE] = sub.internal_battery_in_use
            case LoopinData():
                for n, state in sub.loops.items():
                    a[KEY_LOOP.format(n=n)] = state
            case AbsLoopinData():
                a[KEY_LOOP.format(n=sub.number)] = sub.state
            case AbsDigSensData():
                a[KEY_DIGITAL_INPUT.format(n=sub.number)] = sub.state
            case AbsAnSensData():
                a[KEY_ANALOG.format(n=sub.number)] = sub.value
            case AbsCntrData():
                a[KEY_COUNTER.format(n=sub.number)] = sub.value
            case LiquidLevelSensor():
                self._liquid_level(sub)
            case PassengersCounters():
                a[KEY_DOORS_OPENED] = sub.doors_opened
                if sub.raw is not None:
                    a[KEY_PASSENGERS_RAW] = sub.raw.hex()
                for n, (entered, left) in sub.doors.items():
                    a[KEY_PASSENGERS_IN.format(n=n)] = entered
                    a[KEY_PASSENGERS_OUT.format(n=n)] = left
            case _:
                pass

    def _liquid_level(self, sub: LiquidLevelSensor) -> None:
        a, n = self.attributes, sub.number
        a[KEY_LLS_ADDRESS.format(n=n)] = sub.address
        a[KEY_LLS_ERROR.format(n=n)] = sub.error
        if sub.value is not None:
            a[KEY_LLS_LEVEL.format(n=n)] = sub.value
            a[KEY_LLS_UNIT.format(n=n)] = _LLS_UNITS.get(sub.unit, "reserved")
        if sub.raw is not None:
            a[KEY_LLS_RAW.format(n=n)] = sub.raw.hex()


def _position(fix: _Fix, device: DeviceKey, rn: int) -> Position:
    pos = fix.pos
    attributes: dict[str, AttributeValue] = {
        KEY_EVENT_SOURCE: pos.source,
        KEY_MOVING: PosFlags.MV in pos.flags,
        KEY_FIX_3D: PosFlags.FIX in pos.flags,
        KEY_RECORD_NUMBER: rn,
    }
    if pos.source_data:
        attributes[KEY_EVENT_SOURCE_DATA] = pos.source_data.hex()
    attributes.update(fix.attributes)
    return Position(
        device=device,
        fix_time=pos.fix_time,
        latitude=pos.latitude,
        longitude=pos.longitude,
        valid=PosFlags.VLD in pos.flags,
        speed_kmh=pos.speed_kmh,
        course_deg=float(pos.direction),
        altitude_m=pos.altitude_m,
        satellites=fix.satellites,
        hdop=fix.hdop,
        inputs=fix.inputs,
        odometer_m=pos.odometer_m,
        black_box=PosFlags.BB in pos.flags,
        pz90=PosFlags.CS in pos.flags,
        attributes=MappingProxyType(attributes),
    )


def group_fixes(subrecords: Iterable[AnySubrecord]) -> list[tuple[PosData, list[AnySubrecord]]]:
    """Each POS_DATA with the sensor subrecords that belong to it (see module docstring)."""
    groups: list[tuple[PosData, list[AnySubrecord]]] = []
    leading: list[AnySubrecord] = []
    for sub in subrecords:
        if isinstance(sub, PosData):
            groups.append((sub, leading if not groups else []))
        elif groups:
            groups[-1][1].append(sub)
        else:
            leading.append(sub)
    return groups


def record_positions(record: ServiceDataRecord, device: DeviceKey) -> list[Position]:
    """Every fix of one TELEDATA record, attributed to ``device``."""
    positions = []
    for pos, sensors in group_fixes(record.subrecords):
        fix = _Fix(pos)
        for sub in sensors:
            fix.apply(sub)
        positions.append(_position(fix, device, record.header.rn))
    return positions


def positions_of(records: Sequence[tuple[ServiceDataRecord, DeviceKey]]) -> list[Position]:
    """Fixes of several records, each with its own device."""
    return [p for record, device in records for p in record_positions(record, device)]
