"""NAVDATA cells -> ``model.Position``: the only place NDTP wire units become domain units.

Every navigation cell (type 0) is a fix. The other cells attach to the navigation cell they
follow; cells before the first navigation cell attach to that first one, and a body without a
navigation cell yields no fix (there is no position to store its sensors with). The raw tail
after an unknown cell type goes with the last fix, so nothing the terminal sent is lost.

Cells of the same type and number under one fix (navprot's synthetic samples send three fuel
cells numbered 0) keep their values: the second gets ``{n}`` = ``"0_2"`` in its keys.
Internal I/O cells after the first continue the numbering (inputs 9-16, analog 5-8, ...), as
EGTS does for repeated AD_SENSORS_DATA.

Nothing is corrected: invalid fixes keep ``valid=False``, black-box replays come from
NPH_SND_HISTORY and are marked ``black_box``. Only coordinates that cannot exist on the globe
are refused (``CoordinateError``): ``Position`` could not hold them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Final

from egts_server.codec.ndtp.cells import (
    CanCell,
    Cell,
    IntSensorCell,
    NavCell,
    NavData,
    RawCell,
    UsiCell,
)
from egts_server.codec.ndtp.constants import CellType, NavFlags
from egts_server.codec.ndtp.errors import CoordinateError
from egts_server.model import (
    KEY_ACCEL_ENERGY,
    KEY_ALARM,
    KEY_ANALOG,
    KEY_CALL_REQUEST,
    KEY_CAN_ABSENT,
    KEY_CAN_ALARM_FLAGS,
    KEY_CAN_AXLE_LOAD,
    KEY_CAN_ENGINE_HOURS_X100,
    KEY_CAN_ENGINE_TEMP_C,
    KEY_CAN_FUEL_LEVEL,
    KEY_CAN_FUEL_LEVEL_UNIT,
    KEY_CAN_RPM,
    KEY_CAN_SPEED_KMH,
    KEY_CAN_STATUS,
    KEY_CAN_TOTAL_FUEL_L,
    KEY_CAN_TOTAL_KM_X100,
    KEY_COUNTER,
    KEY_EXT_VOLTAGE_RAW,
    KEY_FIRST_POWER_ON,
    KEY_FUEL_LEVEL_L,
    KEY_FUEL_LEVEL_MM,
    KEY_FUEL_STATUS,
    KEY_FUEL_TEMPERATURE_RAW,
    KEY_GPRS_STATE,
    KEY_GSM_CSQ,
    KEY_INTERNAL_BATTERY_IN_USE,
    KEY_NAV_RECEIVER,
    KEY_NDTP_CELL_RAW,
    KEY_NDTP_TAIL_RAW,
    KEY_OUTPUTS,
    KEY_PASSENGERS_CROWN_RAW,
    KEY_PASSENGERS_IRMA_RAW,
    KEY_PDOP_RAW,
    KEY_ROAD_MACHINE_RAW,
    KEY_SOS,
    KEY_SPEED_MAX,
    KEY_TRACK_M,
    KEY_VOLTAGE_INTERNAL,
    AttributeValue,
    DeviceKey,
    Position,
)

MAX_LAT_ABS = 900_000_000  # 90 degrees x 10^7
MAX_LON_ABS = 1_800_000_000
# Flag bits as plain ints: IntFlag arithmetic costs microseconds per fix on the hot path.
_ALARM: Final = int(NavFlags.ALARM)
_SOS: Final = int(NavFlags.SOS)
_CALL: Final = int(NavFlags.CALL_REQUEST)
_FIRST_ON: Final = int(NavFlags.FIRST_POWER_ON)
_ON_BATTERY: Final = int(NavFlags.INTERNAL_BATTERY)


@lru_cache(maxsize=4096)
def _key(template: str, n: str | int, k: int = 0) -> str:
    """``template`` filled in; cached, since the same few keys come with every fix."""
    return template.format(n=n, k=k)
_RAW_KEYS: dict[int, str] = {CellType.KDM: KEY_ROAD_MACHINE_RAW,
                             CellType.CROWN: KEY_PASSENGERS_CROWN_RAW,
                             CellType.IRMA: KEY_PASSENGERS_IRMA_RAW}


class _Fix:
    """A navigation cell and what the cells after it add; becomes one Position."""

    __slots__ = ("nav", "attributes", "inputs", "odometer_m", "_seen", "_io")

    def __init__(self, nav: NavCell) -> None:
        self.nav = nav
        self.attributes: dict[str, AttributeValue] = {}
        self.inputs: int | None = None
        self.odometer_m: float | None = None
        self._seen: dict[tuple[int, int], int] = {}  # (type, number) -> cells seen so far
        self._io = 0  # internal I/O cells seen

    def _n(self, cell_type: int, number: int) -> str:
        """The ``{n}`` of this cell's keys: its number, made unique within the fix."""
        count = self._seen.get((cell_type, number), 0)
        self._seen[(cell_type, number)] = count + 1
        return str(number) if count == 0 else f"{number}_{count + 1}"

    def apply(self, cell: Cell) -> None:
        a = self.attributes
        match cell:
            case IntSensorCell():
                self._internal_io(cell)
            case UsiCell():
                n = self._n(cell.TYPE, cell.number)
                a[_key(KEY_FUEL_STATUS, n)] = cell.status
                a[_key(KEY_FUEL_LEVEL_MM, n)] = cell.level_mm
                a[_key(KEY_FUEL_LEVEL_L, n)] = cell.level_l
                a[_key(KEY_FUEL_TEMPERATURE_RAW, n)] = cell.temperature
            case CanCell():
                self._can(cell, self._n(cell.TYPE, cell.number))
            case RawCell():
                n = self._n(cell.cell_type, cell.number)
                template = _RAW_KEYS.get(cell.cell_type)
                key = (_key(template, n) if template is not None else
                       KEY_NDTP_CELL_RAW.format(t=cell.cell_type, n=n))
                a[key] = cell.data.hex()
            case NavCell():
                pass  # a second receiver's fix is a fix of its own, never a sensor

    def _internal_io(self, cell: IntSensorCell) -> None:
        a, k = self.attributes, self._io
        self._io += 1
        self.inputs = (self.inputs or 0) | cell.inputs << (8 * k)
        outputs = a.get(KEY_OUTPUTS, 0)
        a[KEY_OUTPUTS] = (outputs if isinstance(outputs, int) else 0) | cell.outputs << (8 * k)
        for i, value in enumerate(cell.analog, start=4 * k + 1):
            a[_key(KEY_ANALOG, i)] = value
        for i, value in enumerate(cell.counters, start=4 * k + 1):
            a[_key(KEY_COUNTER, i)] = value
        if k == 0:
            self.odometer_m = float(cell.odometer)
            a[KEY_GSM_CSQ] = cell.csq
            a[KEY_GPRS_STATE] = cell.gprs_state
            a[KEY_ACCEL_ENERGY] = cell.accel_energy
            a[KEY_EXT_VOLTAGE_RAW] = cell.ext_volt

    def _can(self, cell: CanCell, n: str) -> None:
        a = self.attributes
        a[_key(KEY_CAN_STATUS, n)] = cell.status
        if not cell.module_present:
            a[_key(KEY_CAN_ABSENT, n)] = True
            return
        a[_key(KEY_CAN_ENGINE_HOURS_X100, n)] = cell.engine_hours
        a[_key(KEY_CAN_TOTAL_KM_X100, n)] = cell.total_km
        a[_key(KEY_CAN_TOTAL_FUEL_L, n)] = cell.total_fuel
        a[_key(KEY_CAN_FUEL_LEVEL, n)] = cell.fuel_value
        a[_key(KEY_CAN_FUEL_LEVEL_UNIT, n)] = "percent" if cell.fuel_in_percent else "l"
        a[_key(KEY_CAN_RPM, n)] = cell.rpm
        a[_key(KEY_CAN_ENGINE_TEMP_C, n)] = cell.engine_temp
        a[_key(KEY_CAN_SPEED_KMH, n)] = cell.speed
        for k, load in enumerate(cell.axle_loads, start=1):
            a[_key(KEY_CAN_AXLE_LOAD, n, k)] = load
        a[_key(KEY_CAN_ALARM_FLAGS, n)] = cell.alarm_flags

    def position(self, device: DeviceKey, history: bool) -> Position:
        nav = self.nav
        if nav.lat_abs > MAX_LAT_ABS or nav.lon_abs > MAX_LON_ABS:
            raise CoordinateError(f"nav cell at {nav.time}: latitude {nav.lat_abs / 1e7}, "
                                  f"longitude {nav.lon_abs / 1e7} are off the globe")
        flags = nav.flags
        attributes: dict[str, AttributeValue] = {
            KEY_SPEED_MAX: nav.speed_max,
            KEY_TRACK_M: nav.track,
            KEY_VOLTAGE_INTERNAL: nav.bat_voltage * 0.02,
            KEY_INTERNAL_BATTERY_IN_USE: bool(flags & _ON_BATTERY),
            KEY_ALARM: bool(flags & _ALARM),
            KEY_SOS: bool(flags & _SOS),
            KEY_CALL_REQUEST: bool(flags & _CALL),
            KEY_FIRST_POWER_ON: bool(flags & _FIRST_ON),
            KEY_PDOP_RAW: nav.pdop,
            KEY_NAV_RECEIVER: nav.number,
        }
        attributes.update(self.attributes)
        return Position(
            device=device,
            fix_time=datetime.fromtimestamp(nav.time, UTC),
            latitude=nav.latitude,
            longitude=nav.longitude,
            valid=nav.valid,
            speed_kmh=float(nav.speed_avg),
            course_deg=float(nav.course),
            altitude_m=float(nav.altitude),
            satellites=nav.satellites,
            inputs=self.inputs,
            odometer_m=self.odometer_m,
            black_box=history,
            attributes=MappingProxyType(attributes),
        )


def group_fixes(cells: Sequence[Cell]) -> list[_Fix]:
    """Each navigation cell with the cells that belong to it (see the module docstring)."""
    fixes: list[_Fix] = []
    leading: list[Cell] = []
    for cell in cells:
        if isinstance(cell, NavCell):
            fix = _Fix(cell)
            if not fixes:
                for early in leading:
                    fix.apply(early)
            fixes.append(fix)
        elif fixes:
            fixes[-1].apply(cell)
        else:
            leading.append(cell)
    return fixes


def navdata_positions(navdata: NavData, device: DeviceKey, *,
                      history: bool = False) -> list[Position]:
    """Every fix of one NAVDATA body, attributed to ``device``; ``CoordinateError`` if one is
    off the globe (then none is returned: the frame is answered as a whole)."""
    fixes = group_fixes(navdata.cells)
    if fixes and navdata.tail:
        fixes[-1].attributes[KEY_NDTP_TAIL_RAW] = navdata.tail.hex()
    return [fix.position(device, history) for fix in fixes]
