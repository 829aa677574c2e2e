"""NAVDATA bodies: a plain sequence of ``[type u8][number u8][payload]`` cells (§3.5).

There are no length prefixes: the payload size follows from the type (``CELL_SIZES``). Types
0, 2, 8 and 10 have public layouts and get a dataclass each in wire units; every other type of
known size is kept as ``RawCell`` bytes (the road-machine cell 5 among them: its layout is not
public, so it is stored raw and mapped per vehicle later). A type of unknown size ends the
parse: the cells before it are kept and the rest of the body stays in ``NavData.tail``.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar, Final, Self

from egts_server.codec.errors import TruncatedError
from egts_server.codec.ndtp.constants import CELL_HEADER_SIZE, CELL_SIZES, CellType, NavFlags

_NORTH: Final = int(NavFlags.NORTH)  # plain ints: enum arithmetic is slow on the hot path
_EAST: Final = int(NavFlags.EAST)
_VALID: Final = int(NavFlags.VALID)

def _check(cell: object, layout: struct.Struct, values: tuple[int, ...], number: int) -> None:
    """``ValueError`` when a field does not fit its wire type.

    Packing is the check: one C call instead of a Python loop per field, which matters because
    every decoded cell passes through here too.
    """
    if not 0 <= number <= 0xFF:
        raise ValueError(f"{type(cell).__name__}.number {number} out of range")
    try:
        layout.pack(*values)
    except struct.error as e:
        raise ValueError(f"{type(cell).__name__} field out of range: {e}") from e


@dataclass(frozen=True, slots=True, kw_only=True)
class NavCell:
    """Type 0, Nav00: the navigation fix (26 bytes)."""

    TYPE: ClassVar[int] = CellType.NAV
    _LAYOUT: ClassVar[struct.Struct] = struct.Struct("<IIIBBHHHHhBB")

    number: int  # navigation receiver index
    time: int  # Unix seconds, UTC
    lon_abs: int  # |degrees| x 10^7; sign from NavFlags.EAST
    lat_abs: int  # |degrees| x 10^7; sign from NavFlags.NORTH
    flags: int  # NavFlags bits
    bat_voltage: int  # x 20 mV
    speed_avg: int  # km/h, average over the period: the fix's speed
    speed_max: int  # km/h, maximum over the period
    course: int  # degrees
    track: int  # metres since the previous record, wraps at 65535
    altitude: int  # metres, signed
    satellites: int
    pdop: int  # raw; scaling not public

    def __post_init__(self) -> None:
        _check(self, self._LAYOUT, self._fields(), self.number)

    def _fields(self) -> tuple[int, ...]:
        return (self.time, self.lon_abs, self.lat_abs, self.flags, self.bat_voltage,
                self.speed_avg, self.speed_max, self.course, self.track, self.altitude,
                self.satellites, self.pdop)

    @property
    def latitude(self) -> float:
        value = self.lat_abs / 1e7
        return value if self.flags & _NORTH else -value

    @property
    def longitude(self) -> float:
        value = self.lon_abs / 1e7
        return value if self.flags & _EAST else -value

    @property
    def valid(self) -> bool:
        return bool(self.flags & _VALID)

    @classmethod
    def decode(cls, number: int, body: bytes, offset: int) -> Self:
        (time, lon, lat, flags, bat, speed_avg, speed_max, course, track, altitude, sats,
         pdop) = cls._LAYOUT.unpack_from(body, offset)
        return cls(number=number, time=time, lon_abs=lon, lat_abs=lat, flags=flags,
                   bat_voltage=bat, speed_avg=speed_avg, speed_max=speed_max, course=course,
                   track=track, altitude=altitude, satellites=sats, pdop=pdop)

    def encode(self) -> bytes:
        return bytes((self.TYPE, self.number)) + self._LAYOUT.pack(*self._fields())


@dataclass(frozen=True, slots=True, kw_only=True)
class IntSensorCell:
    """Type 2, IntSensor02: the terminal's own inputs, outputs and odometer (26 bytes).

    The analog inputs and ``ext_volt`` are kept raw: their units depend on the wiring (§3.5).
    """

    TYPE: ClassVar[int] = CellType.INT_SENSOR
    _LAYOUT: ClassVar[struct.Struct] = struct.Struct("<4HBB4HIBBBB")

    number: int
    analog: tuple[int, int, int, int]  # an_in0..3, raw
    inputs: int  # di_in bitmask, bit 0 = input 1
    outputs: int  # di_out bitmask
    counters: tuple[int, int, int, int]  # di0..3 pulse counters
    odometer: int  # metres
    csq: int  # GSM signal, 0..31
    gprs_state: int
    accel_energy: int
    ext_volt: int  # raw (Traccar's x 200 mV is unverified)

    def __post_init__(self) -> None:
        if len(self.analog) != 4 or len(self.counters) != 4:
            raise ValueError("IntSensorCell has four analog inputs and four counters")
        _check(self, self._LAYOUT, self._fields(), self.number)

    def _fields(self) -> tuple[int, ...]:
        return (*self.analog, self.inputs, self.outputs, *self.counters, self.odometer,
                self.csq, self.gprs_state, self.accel_energy, self.ext_volt)

    @classmethod
    def decode(cls, number: int, body: bytes, offset: int) -> Self:
        v = cls._LAYOUT.unpack_from(body, offset)
        return cls(number=number, analog=(v[0], v[1], v[2], v[3]), inputs=v[4], outputs=v[5],
                   counters=(v[6], v[7], v[8], v[9]), odometer=v[10], csq=v[11],
                   gprs_state=v[12], accel_energy=v[13], ext_volt=v[14])

    def encode(self) -> bytes:
        return bytes((self.TYPE, self.number)) + self._LAYOUT.pack(*self._fields())


@dataclass(frozen=True, slots=True, kw_only=True)
class UsiCell:
    """Type 8, Usi08: УЗИ-М ultrasonic fuel level sensor (6 bytes)."""

    TYPE: ClassVar[int] = CellType.USI
    _LAYOUT: ClassVar[struct.Struct] = struct.Struct("<BHHB")

    number: int
    status: int  # 0 = OK (2 = fault in the one real sample)
    level_mm: int
    level_l: int
    temperature: int  # raw

    def __post_init__(self) -> None:
        _check(self, self._LAYOUT, self._fields(), self.number)

    def _fields(self) -> tuple[int, ...]:
        return (self.status, self.level_mm, self.level_l, self.temperature)

    @classmethod
    def decode(cls, number: int, body: bytes, offset: int) -> Self:
        status, level_mm, level_l, temperature = cls._LAYOUT.unpack_from(body, offset)
        return cls(number=number, status=status, level_mm=level_mm, level_l=level_l,
                   temperature=temperature)

    def encode(self) -> bytes:
        return bytes((self.TYPE, self.number)) + self._LAYOUT.pack(*self._fields())


@dataclass(frozen=True, slots=True, kw_only=True)
class CanCell:
    """Type 10, Can10: CAN bus summary from an M333 module (37 bytes)."""

    TYPE: ClassVar[int] = CellType.CAN
    NO_MODULE: ClassVar[int] = 0xFFFF_FFFF  # status value when no CAN module is fitted
    _LAYOUT: ClassVar[struct.Struct] = struct.Struct("<IIIIHHhB5HI")

    number: int
    status: int  # sec_flag_status
    engine_hours: int  # x 100 h, as sent
    total_km: int  # x 100 km, as sent
    total_fuel: int  # litres
    fuel_level: int  # bit 15: 1 percent, 0 litres; bits 0-14 the value
    rpm: int
    engine_temp: int  # degrees C, signed
    speed: int  # km/h
    axle_loads: tuple[int, int, int, int, int]  # kg x 10
    alarm_flags: int

    def __post_init__(self) -> None:
        if len(self.axle_loads) != 5:
            raise ValueError("CanCell has five axle loads")
        _check(self, self._LAYOUT, self._fields(), self.number)

    def _fields(self) -> tuple[int, ...]:
        return (self.status, self.engine_hours, self.total_km, self.total_fuel,
                self.fuel_level, self.rpm, self.engine_temp, self.speed, *self.axle_loads,
                self.alarm_flags)

    @property
    def module_present(self) -> bool:
        return self.status != self.NO_MODULE

    @property
    def fuel_in_percent(self) -> bool:
        return bool(self.fuel_level & 0x8000)

    @property
    def fuel_value(self) -> int:
        return self.fuel_level & 0x7FFF

    @classmethod
    def decode(cls, number: int, body: bytes, offset: int) -> Self:
        v = cls._LAYOUT.unpack_from(body, offset)
        return cls(number=number, status=v[0], engine_hours=v[1], total_km=v[2],
                   total_fuel=v[3], fuel_level=v[4], rpm=v[5], engine_temp=v[6], speed=v[7],
                   axle_loads=(v[8], v[9], v[10], v[11], v[12]), alarm_flags=v[13])

    def encode(self) -> bytes:
        return bytes((self.TYPE, self.number)) + self._LAYOUT.pack(*self._fields())


@dataclass(frozen=True, slots=True, kw_only=True)
class RawCell:
    """A cell of known size whose layout is not public: the payload as sent."""

    cell_type: int
    number: int
    data: bytes

    def __post_init__(self) -> None:
        size = CELL_SIZES.get(self.cell_type)
        if size is None or len(self.data) != size:
            raise ValueError(f"cell type {self.cell_type} has no payload of {len(self.data)}")
        if not 0 <= self.number <= 0xFF:
            raise ValueError(f"cell number {self.number} out of range")

    def encode(self) -> bytes:
        return bytes((self.cell_type, self.number)) + self.data


Cell = NavCell | IntSensorCell | UsiCell | CanCell | RawCell

#: Cell types read field by field; any other type in ``CELL_SIZES`` becomes a ``RawCell``.
DECODERS: Final[Mapping[int, Callable[[int, bytes, int], Cell]]] = {
    cls.TYPE: cls.decode for cls in (NavCell, IntSensorCell, UsiCell, CanCell)
}


@dataclass(frozen=True, slots=True, kw_only=True)
class NavData:
    """A NAVDATA body: the cells that could be cut, then what could not (from an unknown type)."""

    cells: tuple[Cell, ...]
    tail: bytes = b""

    def __post_init__(self) -> None:
        if self.tail and self.tail[0] in CELL_SIZES:
            raise ValueError("the tail must start at a cell type of unknown size")

    @property
    def tail_offset(self) -> int:
        """Where the tail starts in the body."""
        return sum(CELL_HEADER_SIZE + CELL_SIZES[cell_type(c)] for c in self.cells)

    @classmethod
    def decode(cls, body: bytes) -> Self:
        """``TruncatedError`` when a cell of known size runs past the end of the body."""
        cells: list[Cell] = []
        pos, end = 0, len(body)
        sizes, decoders = CELL_SIZES, DECODERS
        while pos < end:
            cell_type = body[pos]
            size = sizes.get(cell_type)
            if size is None:
                return cls(cells=tuple(cells), tail=body[pos:])
            start = pos + CELL_HEADER_SIZE
            if start + size > end:
                raise TruncatedError(f"cell type {cell_type} at body offset {pos} needs "
                                     f"{CELL_HEADER_SIZE + size} bytes, {end - pos} left")
            number = body[pos + 1]
            decode = decoders.get(cell_type)
            cells.append(decode(number, body, start) if decode is not None else
                         RawCell(cell_type=cell_type, number=number,
                                 data=body[start : start + size]))
            pos = start + size
        return cls(cells=tuple(cells))

    def encode(self) -> bytes:
        return b"".join(c.encode() for c in self.cells) + self.tail


def cell_type(cell: Cell) -> int:
    """The wire type of any cell."""
    return cell.cell_type if isinstance(cell, RawCell) else cell.TYPE
