"""One Wialon IPS data message (``#SD#``/``#D#`` body, or one ``|``-piece of ``#B#``), read
into a typed value and written back.

Mandatory fields (time, coordinates, speed/course/altitude, satellites) that cannot be read
raise ``FieldError`` naming the field, so the session answers the code the protocol defines for
it. Optional elements of an extended message (hdop, inputs, outputs, ADC, iButton, named
parameters) are tolerated when malformed: the bad element alone is left out and its text kept
in ``Message.dropped``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import TypeVar

from egts_server.codec.wialon.constants import (
    DATA_FIELDS,
    NO_VALUE,
    PARAM_DOUBLE,
    PARAM_INT,
    PARAM_STRING,
    SHORT_FIELDS,
    Field,
)
from egts_server.codec.wialon.errors import FieldError

ParamValue = int | float | str
T = TypeVar("T")
_ABSENT = (NO_VALUE, "")  # a field without a value: NA, or nothing between the separators


@dataclass(frozen=True, slots=True)
class Message:
    """A data message as sent; ``None`` where the terminal sent ``NA`` (or nothing)."""

    fix_time: datetime | None  # None: the server's time applies (the protocol says so)
    latitude: float | None
    longitude: float | None
    speed_kmh: float | None = None
    course_deg: float | None = None
    altitude_m: float | None = None
    satellites: int | None = None
    extended: bool = False  # sent as #D# (or a 16-field black-box piece)
    hdop: float | None = None
    inputs: int | None = None  # bit 0 = input 1
    outputs: int | None = None  # bit 0 = output 1
    adc: tuple[float | None, ...] = ()  # adc[0] = analog input 1
    ibutton: str | None = None
    params: Mapping[str, ParamValue] = field(default_factory=lambda: MappingProxyType({}))
    dropped: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def parse_message(text: str) -> Message:
    """``text`` without the packet type and without a checksum field."""
    parts = text.split(";")
    if len(parts) not in (SHORT_FIELDS, DATA_FIELDS):
        raise FieldError(Field.STRUCTURE, f"{len(parts)} fields, expected {SHORT_FIELDS} or "
                                          f"{DATA_FIELDS}")
    lat = _coordinate(parts[2], parts[3], "NS", 2, 90.0)
    lon = _coordinate(parts[4], parts[5], "EW", 3, 180.0)
    if (lat is None) != (lon is None):
        raise FieldError(Field.COORDINATES, "latitude and longitude must both be sent or NA")
    base = {"fix_time": _time(parts[0], parts[1]), "latitude": lat, "longitude": lon,
            "speed_kmh": _number(parts[6], Field.MOTION, 0.0, 2000.0),
            "course_deg": _number(parts[7], Field.MOTION, 0.0, 360.0),
            "altitude_m": _number(parts[8], Field.MOTION, -20000.0, 100000.0),
            "satellites": _satellites(parts[9])}
    if len(parts) == SHORT_FIELDS:
        return Message(**base)  # type: ignore[arg-type]
    dropped: dict[str, str] = {}
    hdop = _optional(dropped, "hdop", parts[10], _hdop)
    inputs = _optional(dropped, "inputs", parts[11], _mask)
    outputs = _optional(dropped, "outputs", parts[12], _mask)
    adc = _optional(dropped, "adc", parts[13], _adc) or ()
    ibutton = None if parts[14] in _ABSENT else parts[14]
    params = _params(parts[15], dropped)
    return Message(**base, extended=True, hdop=hdop, inputs=inputs,  # type: ignore[arg-type]
                   outputs=outputs, adc=adc, ibutton=ibutton,
                   params=MappingProxyType(params), dropped=MappingProxyType(dropped))


def format_message(m: Message) -> str:
    """The wire text of ``m`` (without checksum): ``parse_message``'s inverse."""
    date, time = (m.fix_time.strftime("%d%m%y"), m.fix_time.strftime("%H%M%S")) \
        if m.fix_time is not None else (NO_VALUE, NO_VALUE)
    parts = [date, time, *_format_coordinate(m.latitude, "NS", 2),
             *_format_coordinate(m.longitude, "EW", 3), _text(m.speed_kmh),
             _text(m.course_deg), _text(m.altitude_m), _text(m.satellites)]
    if m.extended:
        params = ",".join(f"{name}:{_param_type(v)}:{_text(v)}" for name, v in m.params.items())
        parts += [_text(m.hdop), _text(m.inputs), _text(m.outputs),
                  ",".join(_text(a) for a in m.adc), m.ibutton or NO_VALUE, params]
    return ";".join(parts)


# -- mandatory fields -------------------------------------------------------------------------

def _time(date: str, time: str) -> datetime | None:
    if date in _ABSENT and time in _ABSENT:
        return None
    try:
        whole, _, fraction = time.partition(".")
        if len(date) != 6 or len(whole) != 6 or not (date + whole).isdigit():
            raise ValueError(f"{date} {time}")
        micro = int((fraction + "000000")[:6]) if fraction else 0
        return datetime(2000 + int(date[4:]), int(date[2:4]), int(date[:2]), int(whole[:2]),
                        int(whole[2:4]), int(whole[4:]), micro, tzinfo=UTC)
    except ValueError as e:
        raise FieldError(Field.TIME, f"date/time {date!r} {time!r} unreadable") from e


def _coordinate(value: str, side: str, sides: str, degree_digits: int,
                limit: float) -> float | None:
    """``DDMM.MMMM`` (``DDDMM.MMMM`` for longitude) and its hemisphere letter."""
    if value in _ABSENT:
        return None
    try:
        number = float(value)
        degrees, minutes = divmod(number, 100.0)
        head = value.split(".")[0]
        if (side not in sides or len(side) != 1 or number < 0 or minutes >= 60.0
                or len(head) > degree_digits + 2 or not math.isfinite(number)):
            raise ValueError(value)
        result = degrees + minutes / 60.0
        if result > limit:
            raise ValueError(value)
    except ValueError as e:
        raise FieldError(Field.COORDINATES, f"coordinate {value!r};{side!r} unreadable") from e
    return -result if side == sides[1] else result


def _number(value: str, which: Field, low: float, high: float) -> float | None:
    if value in _ABSENT:
        return None
    try:
        number = float(value)
    except ValueError as e:
        raise FieldError(which, f"{value!r} is not a number") from e
    if not low <= number <= high:  # also refuses nan
        raise FieldError(which, f"{value!r} out of range")
    return number


def _satellites(value: str) -> int | None:
    if value in _ABSENT:
        return None
    if not value.isdigit() or int(value) > 255:
        raise FieldError(Field.SATELLITES, f"satellites {value!r} unreadable")
    return int(value)


# -- optional elements ----------------------------------------------------------------------

def _optional(dropped: dict[str, str], name: str, value: str,
              read: Callable[[str], T]) -> T | None:
    if value in _ABSENT:
        return None
    try:
        return read(value)
    except ValueError:
        dropped[name] = value
        return None


def _hdop(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 100.0:
        raise ValueError(value)
    return number


def _mask(value: str) -> int:
    if not value.isdigit():
        raise ValueError(value)
    return int(value)


def _adc(value: str) -> tuple[float | None, ...]:
    values = tuple(None if v == NO_VALUE else float(v) for v in value.split(","))
    if any(v is not None and not math.isfinite(v) for v in values):
        raise ValueError(value)
    return values


def _params(value: str, dropped: dict[str, str]) -> dict[str, ParamValue]:
    params: dict[str, ParamValue] = {}
    if value in _ABSENT:
        return params
    bad: list[str] = []
    for item in value.split(","):
        name, _, rest = item.partition(":")
        kind, _, text = rest.partition(":")
        try:
            if not name:
                raise ValueError(item)
            params[name] = _param(kind, text)
        except ValueError:
            bad.append(item)
    if bad:
        dropped["params"] = ",".join(bad)
    return params


def _param(kind: str, text: str) -> ParamValue:
    if kind == PARAM_INT:
        return int(text)
    if kind == PARAM_DOUBLE:
        number = float(text)
        if not math.isfinite(number):
            raise ValueError(text)
        return number
    if kind == PARAM_STRING:
        return text
    raise ValueError(kind)


# -- writing --------------------------------------------------------------------------------

def _format_coordinate(value: float | None, sides: str, degree_digits: int) -> tuple[str, str]:
    if value is None:
        return NO_VALUE, NO_VALUE
    degrees, minutes = divmod(abs(value), 1.0)
    text = f"{int(degrees):0{degree_digits}d}{minutes * 60:07.4f}"
    return text, sides[1] if value < 0 else sides[0]


def _param_type(value: ParamValue) -> str:
    if isinstance(value, str):
        return PARAM_STRING
    return PARAM_INT if isinstance(value, int) else PARAM_DOUBLE


def _text(value: ParamValue | None) -> str:
    if value is None:
        return NO_VALUE
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)
