"""One OsmAnd / Traccar Client report (query string, form or JSON body) read into a ``Report``.

Facts (OsmAnd's online tracking and Traccar Client, as open-source servers document them):
``id`` (or ``deviceid``) names the phone; ``lat``/``lon`` or ``location=lat,lon``;
``timestamp`` in seconds, milliseconds or ISO 8601 (a space instead of ``T`` and no zone mean
UTC); ``speed`` in knots; ``bearing``/``heading``, ``altitude``, ``accuracy`` (m), ``hdop``,
``batt`` (%), ``valid``. The JSON form (Traccar Client 9+) nests them under ``location.coords``
with speed in m/s, ``-1`` for unknown, and the battery as a fraction. Any other key is kept as a
named parameter. A value that cannot be read raises ``ReportFieldError`` naming its field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final

from egts_server.codec.errors import FormatError

ParamValue = int | float | bool | str
KNOT_KMH: Final = 1.852
MPS_KMH: Final = 3.6
MAX_BODY_BYTES: Final = 65536
_MILLISECONDS_FROM: Final = 10**11  # a larger epoch number counts milliseconds (after 1973)
_KNOWN: Final = frozenset({"id", "deviceid", "lat", "lon", "location", "timestamp", "speed",
                           "bearing", "heading", "altitude", "accuracy", "hdop", "batt",
                           "valid"})


class ReportFieldError(FormatError):
    """A field of a report is missing or unreadable; ``field`` is its name on the wire."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.field = name


@dataclass(frozen=True, slots=True)
class Report:
    """A phone's report; ``None`` where it sent nothing."""

    device_id: str
    latitude: float | None
    longitude: float | None
    fix_time: datetime | None = None  # None: the server's time applies
    speed_kmh: float | None = None
    course_deg: float | None = None
    altitude_m: float | None = None
    accuracy_m: float | None = None
    hdop: float | None = None
    battery_percent: float | None = None
    valid: bool = True
    params: Mapping[str, ParamValue] = field(default_factory=lambda: MappingProxyType({}))


def parse_query(values: Mapping[str, str]) -> Report:
    """A report sent as a query string or an urlencoded form (first value of each key)."""
    device_id = values.get("id") or values.get("deviceid")
    if not device_id:
        raise ReportFieldError("id", "missing")
    lat, lon = values.get("lat"), values.get("lon")
    if "location" in values and lat is None and lon is None:
        lat, _, lon = values["location"].partition(",")
    latitude = _float("lat", lat, -90.0, 90.0)
    longitude = _float("lon", lon, -180.0, 180.0)
    if (latitude is None) != (longitude is None):
        raise ReportFieldError("lat" if latitude is None else "lon", "missing")
    speed = _float("speed", values.get("speed"), 0.0, 1000.0)
    bearing = "bearing" if "bearing" in values else "heading"
    params = {k: _param(v) for k, v in values.items() if k not in _KNOWN}
    return Report(device_id=device_id[:64], latitude=latitude, longitude=longitude,
                  fix_time=_time(values.get("timestamp")),
                  speed_kmh=None if speed is None else speed * KNOT_KMH,
                  course_deg=_float(bearing, values.get(bearing), -360.0, 720.0),
                  altitude_m=_float("altitude", values.get("altitude"), -20000.0, 100000.0),
                  accuracy_m=_float("accuracy", values.get("accuracy"), 0.0, 1e7),
                  hdop=_float("hdop", values.get("hdop"), 0.0, 100.0),
                  battery_percent=_float("batt", values.get("batt"), 0.0, 100.0),
                  valid=_bool("valid", values.get("valid", "true")),
                  params=MappingProxyType(params))


def parse_json(body: bytes) -> Report:
    """A Traccar Client JSON report: ``{"device_id", "location": {"timestamp", "coords",
    "battery", ...}}``."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as e:
        raise ReportFieldError("body", "not JSON") from e
    location = _object(document, "location")
    coords = _object(location, "coords")
    device_id = document.get("device_id")
    if not isinstance(device_id, str | int) or isinstance(device_id, bool) or device_id == "":
        raise ReportFieldError("device_id", "missing")
    speed = _known(_number(coords, "speed", -1.0, 1000.0))
    battery = _known(_number(_object(location, "battery", required=False), "level", -1.0, 1.0))
    heading = _known(_number(coords, "heading", -1.0, 360.0))
    timestamp = location.get("timestamp")
    extras = _object(location, "extras", required=False)
    params: dict[str, ParamValue] = {k: v for k, v in extras.items()
                                     if isinstance(v, str | int | float | bool)
                                     and not (isinstance(v, float) and not math.isfinite(v))}
    for key in ("is_moving", "event", "odometer"):
        value = location.get(key)
        if isinstance(value, str | int | float | bool):
            params[key] = value
    latitude = _number(coords, "latitude", -90.0, 90.0)
    longitude = _number(coords, "longitude", -180.0, 180.0)
    if latitude is None or longitude is None:
        raise ReportFieldError("latitude" if latitude is None else "longitude", "missing")
    return Report(device_id=str(device_id)[:64], latitude=latitude, longitude=longitude,
                  fix_time=_time(timestamp if isinstance(timestamp, str) else None),
                  speed_kmh=None if speed is None else speed * MPS_KMH, course_deg=heading,
                  altitude_m=_number(coords, "altitude", -20000.0, 100000.0),
                  accuracy_m=_known(_number(coords, "accuracy", -1.0, 1e7)),
                  battery_percent=None if battery is None else battery * 100.0,
                  params=MappingProxyType(params))


# -- fields -----------------------------------------------------------------------------------

def _float(name: str, text: str | None, low: float, high: float) -> float | None:
    if text is None or text == "":
        return None
    try:
        value = float(text)
    except ValueError as e:
        raise ReportFieldError(name, f"{text[:40]!r} is not a number") from e
    if not low <= value <= high:
        raise ReportFieldError(name, f"{text[:40]!r} out of range")
    return value


def _time(text: str | None) -> datetime | None:
    if text is None or text == "":
        return None
    try:
        if text.isdigit():
            number = int(text)
            return datetime.fromtimestamp(
                number / 1000 if number >= _MILLISECONDS_FROM else number, UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError, OSError) as e:
        raise ReportFieldError("timestamp", f"{text[:40]!r} is not a time") from e


def _bool(name: str, text: str) -> bool:
    if text.lower() in ("true", "1"):
        return True
    if text.lower() in ("false", "0"):
        return False
    raise ReportFieldError(name, f"{text[:40]!r} is not true or false")


def _param(text: str) -> ParamValue:
    """A named parameter, typed as it reads: true/false, integer, number, else text."""
    if text in ("true", "false"):
        return text == "true"
    for kind in (int, float):
        try:
            value = kind(text)
        except ValueError:
            continue
        if isinstance(value, int) or math.isfinite(value):
            return value
    return text[:256]


def _object(parent: Any, name: str, *, required: bool = True) -> dict[str, Any]:
    value = parent.get(name) if isinstance(parent, dict) else None
    if isinstance(value, dict):
        return value
    if value is None and not required:
        return {}
    raise ReportFieldError(name, "missing or not an object")


def _number(parent: dict[str, Any], name: str, low: float, high: float) -> float | None:
    value = parent.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            low <= value <= high):
        raise ReportFieldError(name, f"{str(value)[:40]!r} is not a number in range")
    return float(value)


def _known(value: float | None) -> float | None:
    """The JSON form's ``-1`` means unknown."""
    return None if value is None or value < 0 else value
