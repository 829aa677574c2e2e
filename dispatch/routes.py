"""Clearing routes: the dispatcher's lines and the rules a street is judged by.

A route is what the road department pays for: a line drawn on the map with the treatment it
needs (plough, spread, sweep), a priority class (which sets the time-to-clear norm), how many
passes each required direction needs, whether the street is worked both ways or only as drawn,
the corridor half-width a fix must fall in to count, optionally the vehicles assigned to it, and
the contractor answerable for it.

Validation refuses what cannot be measured (no line, a line of zero length) with a message that
names the feature, and *warns* about what is measurable but suspicious (a line far outside the
city): a dispatcher drawing on the wrong map tile deserves a warning, not a rejection.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

__all__ = [
    "CITY_BOUNDS",
    "DIRECTIONS",
    "TREATMENTS",
    "TREATMENT_LABELS",
    "Direction",
    "Route",
    "RouteError",
    "Treatment",
    "geodesic_length_m",
    "route_from_properties",
    "validate_line",
]

Treatment = Literal["plough", "spread", "sweep"]
Direction = Literal["both", "as_drawn"]
TREATMENTS: Final[tuple[Treatment, ...]] = ("plough", "spread", "sweep")
#: What each treatment is called on pages, acts and in CSV.
TREATMENT_LABELS: Final[dict[str, str]] = {"plough": "очистка плугом", "spread": "обработка ПГМ",
                                           "sweep": "подметание"}
DIRECTIONS: Final[tuple[Direction, ...]] = ("both", "as_drawn")

#: (min_lon, min_lat, max_lon, max_lat) of Komsomolsk-on-Amur with its suburbs; a route outside
#: is accepted with a warning (it may be a neighbouring settlement the contractor also serves).
CITY_BOUNDS: Final = (136.7, 50.35, 137.3, 50.75)

DEFAULT_HALF_WIDTH_M: Final = 20.0  # domain.md §2.3: max(15 m, half carriageway + 2 sigma)
MAX_HALF_WIDTH_M: Final = 100.0
MAX_PASSES: Final = 20
_EARTH_RADIUS_M: Final = 6_371_008.8


class RouteError(ValueError):
    """A route (or a feature meant to be one) that cannot be stored; the message says which."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where, self.message = where, message


Coordinates = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """One clearing route, coordinates in WGS-84 (lon, lat) order as stored and served.

    ``version`` counts the stored changes to what coverage depends on (None: not stored yet),
    so that a result can say which line and rules it judged.
    """

    id: int | None
    name: str
    coordinates: Coordinates
    treatment: Treatment = "plough"
    priority: int = 2
    passes_required: int = 1
    direction: Direction = "both"
    half_width_m: float = DEFAULT_HALF_WIDTH_M
    assigned_vehicles: tuple[int, ...] = ()
    contractor: str | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)
    version: int | None = None

    def __post_init__(self) -> None:
        where = f"маршрут {self.id}" if self.id is not None else f"маршрут «{self.name}»"
        if not self.name.strip():
            raise RouteError(where, "'name' (название) не может быть пустым")
        if self.treatment not in TREATMENTS:
            raise RouteError(where, f"'treatment' — одно из: {', '.join(TREATMENTS)}")
        if self.direction not in DIRECTIONS:
            raise RouteError(where, f"'direction' — одно из: {', '.join(DIRECTIONS)}")
        if not 1 <= self.priority <= 3:
            raise RouteError(where, "'priority' — 1, 2 или 3")
        if not 1 <= self.passes_required <= MAX_PASSES:
            raise RouteError(where, f"'passes_required' — от 1 до {MAX_PASSES}")
        if not 0 < self.half_width_m <= MAX_HALF_WIDTH_M:
            raise RouteError(where, f"'half_width_m' — больше 0 и не больше {MAX_HALF_WIDTH_M:g}")
        validate_line(self.coordinates, where)

    @property
    def required_directions(self) -> tuple[int, ...]:
        """0 = as drawn (forward), 1 = against it; a one-way route needs only the first."""
        return (0, 1) if self.direction == "both" else (0,)

    def warnings(self) -> list[str]:
        """What is accepted but worth a dispatcher's second look."""
        min_lon, min_lat, max_lon, max_lat = CITY_BOUNDS
        outside = [c for c in self.coordinates
                   if not (min_lon <= c[0] <= max_lon and min_lat <= c[1] <= max_lat)]
        if not outside:
            return []
        return [f"{len(outside)} из {len(self.coordinates)} точек вне города "
                f"({min_lat}–{max_lat} с. ш., {min_lon}–{max_lon} в. д.), первая "
                f"{list(outside[0])}"]


def validate_line(coordinates: Sequence[tuple[float, float]], where: str) -> None:
    """Refuse a line that coverage cannot be measured on: too few or equal positions."""
    if len(coordinates) < 2:
        raise RouteError(where, "в линии нужно не меньше двух точек")
    for lon, lat in coordinates:
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise RouteError(where, "координаты точек — конечные числа")
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise RouteError(where, f"точка {[lon, lat]} — не [долгота, широта] в градусах")
    if geodesic_length_m(coordinates) < 1.0:
        raise RouteError(where, "у линии нулевая длина")


def geodesic_length_m(coordinates: Sequence[tuple[float, float]]) -> float:
    """Great-circle length (haversine); good to 0.5 % at city scale, enough to spot a dot."""
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in zip(coordinates, coordinates[1:], strict=False):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        dp, dl = p2 - p1, math.radians(lon2 - lon1)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        total += 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
    return total


def route_from_properties(route_id: int | None, coordinates: Coordinates,
                          props: Mapping[str, Any], where: str) -> Route:
    """A Route from GeoJSON-style properties, every field checked and named on error."""
    name = props.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RouteError(where, "'name' (название) должно быть непустой строкой")
    known = {"id", "name", "treatment", "priority", "passes_required", "direction",
             "half_width_m", "assigned_vehicles", "contractor", "length_m", "created_at",
             "updated_at", "properties", "version", "deleted_at", "deleted_by"}
    extra = {k: v for k, v in props.items() if k not in known}
    nested = props.get("properties")
    if isinstance(nested, Mapping):
        extra = {**nested, **extra}
    contractor = props.get("contractor")
    if contractor is not None and not isinstance(contractor, str):
        raise RouteError(where, "'contractor' (подрядчик) — строка или null")
    try:
        return _route(route_id, coordinates, props, name, contractor, extra, where)
    except RouteError as error:  # re-labelled: the caller's name for the feature, not ours
        raise RouteError(where, error.message) from None


def _route(route_id: int | None, coordinates: Coordinates, props: Mapping[str, Any], name: str,
           contractor: Any, extra: dict[str, Any], where: str) -> Route:
    return Route(
        id=route_id,
        name=name.strip(),
        coordinates=coordinates,
        treatment=_choice(props, "treatment", TREATMENTS, "plough", where),
        priority=_integer(props, "priority", 2, where),
        passes_required=_integer(props, "passes_required", 1, where),
        direction=_choice(props, "direction", DIRECTIONS, "both", where),
        half_width_m=_number(props, "half_width_m", DEFAULT_HALF_WIDTH_M, where),
        assigned_vehicles=_ids(props.get("assigned_vehicles"), where),
        contractor=contractor.strip() or None if isinstance(contractor, str) else None,
        properties=extra,
    )


def _choice(props: Mapping[str, Any], key: str, allowed: Sequence[str], default: str,
            where: str) -> Any:
    value = props.get(key, default)
    if value is None:
        return default
    if value not in allowed:
        raise RouteError(where, f"'{key}' — одно из: {', '.join(allowed)}, а не {value!r}")
    return value


def _integer(props: Mapping[str, Any], key: str, default: int, where: str) -> int:
    value = props.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise RouteError(where, f"'{key}' — целое число, а не {value!r}")
    return int(value)


def _number(props: Mapping[str, Any], key: str, default: float, where: str) -> float:
    value = props.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RouteError(where, f"'{key}' — число, а не {value!r}")
    return float(value)


def _ids(value: Any, where: str) -> tuple[int, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value):
        raise RouteError(where, "'assigned_vehicles' — список номеров машин")
    return tuple(sorted(set(value)))
