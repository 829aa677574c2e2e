"""The demo city: Komsomolsk-on-Amur's clearing routes, marks and bus lines.

``make run`` seeds an empty database from here and the terminal simulator drives the fleet
along these routes, so that a fresh checkout shows a living city instead of an empty map. The
data ships as GeoJSON in ``dispatch/data`` (WGS-84, lon/lat); this module only reads and checks
it and hands out frozen values, so callers cannot change the shared copy by accident. The
fleet that works these routes is ``dispatch.demo_fleet``.

The geometry is drawn by hand after the city's layout (see the files' ``note``): right for a
demo, not for navigation.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Final

from dispatch.motion import RouteDirection

__all__ = [
    "CONTRACTORS",
    "MARK_LAYERS",
    "DemoBusLine",
    "DemoDataError",
    "DemoMark",
    "DemoRoute",
    "demo_bus_lines",
    "demo_marks",
    "demo_routes",
]

ROUTES_FILE: Final = "komsomolsk_demo.geojson"
MARKS_FILE: Final = "komsomolsk_marks.geojson"
BUS_LINES_FILE: Final = "komsomolsk_bus_lines.geojson"

TREATMENTS: Final = ("plough", "spread", "sweep")
DIRECTIONS: Final = ("both", "as_drawn")
MARK_LAYERS: Final = ("road_state", "broken_elevator", "flooded_basement")
MARK_STATUSES: Final = ("open", "in_progress", "resolved")

Coordinates = tuple[tuple[float, float], ...]


#: Three road contractors (the municipal one answers for half the routes, and its vehicles work
#: them) and the bus operator.
CONTRACTORS: Final = (
    "МУП «Спецавтохозяйство»",
    "ООО «Дорожник-27»",
    "ООО «Амурдорсервис»",
    "МУП «Пассажирское автотранспортное предприятие»",
)
_ROAD_CONTRACTOR_CYCLE: Final = (0, 1, 0, 2, 0, 1, 0, 1, 0, 2)


class DemoDataError(ValueError):
    """A shipped demo file does not have the shape this module promises its callers."""


@dataclass(frozen=True, slots=True)
class DemoRoute:
    """One clearing route as the dispatcher drew it."""

    name: str
    treatment: str  # plough | spread | sweep
    priority: int  # 1 (first) .. 3
    passes_required: int  # per direction served
    direction: RouteDirection  # both: each direction is a pass of its own; as_drawn: one way
    half_width_m: float  # distance from the axis within which a fix counts as on the route
    coordinates: Coordinates  # WGS-84 (lon, lat)
    district: str = ""
    contractor: str = ""  # who answers for the route (its vehicles belong to the same one)


@dataclass(frozen=True, slots=True)
class DemoMark:
    """A dispatcher's mark: road state, broken lift or flooded basement, with its place."""

    layer: str  # one of MARK_LAYERS
    status: str  # one of MARK_STATUSES
    text: str
    public: bool  # shown on the city's public page
    geometry_type: str  # "Point" or "LineString"
    coordinates: Coordinates  # one pair for a Point
    address: str | None = None


@dataclass(frozen=True, slots=True)
class DemoBusLine:
    """A bus line's path, drawn one way; buses run it out and back."""

    number: str
    name: str
    coordinates: Coordinates


@lru_cache(maxsize=1)
def demo_routes() -> tuple[DemoRoute, ...]:
    """The clearing routes, in file order (route_index refers to this order)."""
    routes = []
    for number, feature in enumerate(_features(ROUTES_FILE)):
        where = f"{ROUTES_FILE} feature {number}"
        props = _properties(feature, where)
        treatment = _choice(props, "treatment", TREATMENTS, where)
        both = _choice(props, "direction", DIRECTIONS, where) == "both"
        direction: RouteDirection = "both" if both else "as_drawn"
        routes.append(DemoRoute(
            name=_text(props, "name", where),
            treatment=treatment,
            priority=_integer(props, "priority", where, low=1, high=3),
            passes_required=_integer(props, "passes_required", where, low=1, high=10),
            direction=direction,
            half_width_m=_number(props, "half_width_m", where),
            coordinates=_line(feature, where),
            district=str(props.get("district", "")),
            contractor=CONTRACTORS[_ROAD_CONTRACTOR_CYCLE[number % len(_ROAD_CONTRACTOR_CYCLE)]],
        ))
    names = [r.name for r in routes]
    if len(set(names)) != len(names):
        raise DemoDataError(f"{ROUTES_FILE}: route names are not unique")
    return tuple(routes)


@lru_cache(maxsize=1)
def demo_marks() -> tuple[DemoMark, ...]:
    """Marks for the map's layers: road state (Point or LineString), lifts, basements."""
    marks = []
    for number, feature in enumerate(_features(MARKS_FILE)):
        where = f"{MARKS_FILE} feature {number}"
        props = _properties(feature, where)
        geometry = feature.get("geometry") or {}
        gtype = geometry.get("type")
        if gtype == "Point":
            coordinates: Coordinates = (_pair(geometry.get("coordinates"), where),)
        elif gtype == "LineString":
            coordinates = _line(feature, where)
        else:
            raise DemoDataError(f"{where}: geometry must be a Point or a LineString")
        public = props.get("public")
        if not isinstance(public, bool):
            raise DemoDataError(f"{where}: 'public' must be true or false")
        address = props.get("address")
        marks.append(DemoMark(
            layer=_choice(props, "layer", MARK_LAYERS, where),
            status=_choice(props, "status", MARK_STATUSES, where),
            text=_text(props, "text", where),
            public=public,
            geometry_type=gtype,
            coordinates=coordinates,
            address=str(address) if address is not None else None,
        ))
    return tuple(marks)


@lru_cache(maxsize=1)
def demo_bus_lines() -> tuple[DemoBusLine, ...]:
    """Bus lines, in file order (a bus's route_index refers to this order)."""
    lines = []
    for number, feature in enumerate(_features(BUS_LINES_FILE)):
        where = f"{BUS_LINES_FILE} feature {number}"
        props = _properties(feature, where)
        if props.get("kind") != "bus_line":
            raise DemoDataError(f"{where}: kind must be 'bus_line'")
        lines.append(DemoBusLine(number=_text(props, "number", where),
                                 name=_text(props, "name", where),
                                 coordinates=_line(feature, where)))
    return tuple(lines)


def _features(filename: str) -> list[dict[str, Any]]:
    text = resources.files("dispatch").joinpath("data", filename).read_text(encoding="utf-8")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DemoDataError(f"{filename}: not JSON: {error}") from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise DemoDataError(f"{filename}: not a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list):
        raise DemoDataError(f"{filename}: not a GeoJSON FeatureCollection")
    if not all(isinstance(f, dict) for f in features):
        raise DemoDataError(f"{filename}: every feature must be an object")
    return features


def _properties(feature: dict[str, Any], where: str) -> dict[str, Any]:
    props = feature.get("properties")
    if not isinstance(props, dict):
        raise DemoDataError(f"{where}: no properties")
    return props


def _text(props: dict[str, Any], key: str, where: str) -> str:
    value = props.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DemoDataError(f"{where}: '{key}' must be a non-empty string")
    return value


def _choice(props: dict[str, Any], key: str, allowed: Sequence[str], where: str) -> str:
    value = props.get(key)
    if value not in allowed:
        raise DemoDataError(f"{where}: '{key}' must be one of {', '.join(allowed)}, got {value!r}")
    return str(value)


def _integer(props: dict[str, Any], key: str, where: str, *, low: int, high: int) -> int:
    value = props.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DemoDataError(f"{where}: '{key}' must be an integer in {low}..{high}")
    return value


def _number(props: dict[str, Any], key: str, where: str) -> float:
    value = props.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise DemoDataError(f"{where}: '{key}' must be a positive number")
    return float(value)


def _pair(value: Any, where: str) -> tuple[float, float]:
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in value)):
        raise DemoDataError(f"{where}: a position must be [lon, lat]")
    lon, lat = float(value[0]), float(value[1])
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise DemoDataError(f"{where}: position {value} is not lon/lat")
    return lon, lat


def _line(feature: dict[str, Any], where: str) -> Coordinates:
    geometry = feature.get("geometry") or {}
    if geometry.get("type") != "LineString" or not isinstance(geometry.get("coordinates"), list):
        raise DemoDataError(f"{where}: geometry must be a LineString")
    coordinates = tuple(_pair(c, where) for c in geometry["coordinates"])
    if len(set(coordinates)) < 2:
        raise DemoDataError(f"{where}: a LineString needs two distinct positions")
    return coordinates
