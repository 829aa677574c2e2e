"""Routes to and from GeoJSON (WGS-84, lon/lat), with errors that point at the feature.

Imports come from people: a dispatcher's export from another system, a hand-edited file. When
a feature is wrong the message must say which one (its index, its name when it has one, and
the line of the file it starts on), so that the fix takes a minute, not an afternoon; and a
file with several bad features reports them all at once, not one per attempt.

QGIS and OSM exports often carry a street as a MultiLineString: its parts are stretches of one
street that need not touch. A route is one line (coverage is measured along it), and joining
the parts would add stretches nobody has to clear, so an import makes each part a route of its
own, with the feature's properties and the name "<name> (участок k из n)".
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dispatch.routes import Coordinates, Route, RouteError, route_from_properties

__all__ = [
    "FeatureErrors",
    "ParsedRoute",
    "parse_feature",
    "parse_feature_collection",
    "route_feature",
    "routes_feature_collection",
]

Feature = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ParsedRoute:
    """A feature that became a valid Route, with its position in the source and any warnings."""

    index: int
    route: Route
    warnings: tuple[str, ...]


class FeatureErrors(RouteError):
    """Every bad feature of a document, in the document's order (the first is ``where``)."""

    def __init__(self, errors: Sequence[RouteError]) -> None:
        super().__init__(errors[0].where, errors[0].message)
        self.errors = tuple(errors)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def feature_label(index: int | None, feature: Any, line: int | None = None) -> str:
    """'объект 3 («Ленина», строка 41)': how messages name a feature (its index counts from 0,
    as the file's ``features`` list does)."""
    parts = []
    if isinstance(feature, Mapping):
        props = feature.get("properties")
        if isinstance(props, Mapping) and isinstance(props.get("name"), str):
            parts.append(f"«{props['name']}»")
    if line is not None:
        parts.append(f"строка {line}")
    head = f"объект {index}" if index is not None else "объект"
    return f"{head} ({', '.join(parts)})" if parts else head


def parse_feature(feature: Any, where: str, *, route_id: int | None = None) -> ParsedRoute:
    """One GeoJSON Feature with a LineString geometry into a Route, or RouteError naming it."""
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise RouteError(where, "это не объект GeoJSON (Feature)")
    coordinates = _line_coordinates(feature.get("geometry"), where)
    props = feature.get("properties") or {}
    if not isinstance(props, Mapping):
        raise RouteError(where, "'properties' должно быть объектом")
    if route_id is None:
        route_id = _feature_id(feature, where)
    route = route_from_properties(route_id, coordinates, props, where)
    return ParsedRoute(index=0, route=route, warnings=tuple(route.warnings()))


def parse_feature_collection(text: str) -> list[ParsedRoute]:
    """Every feature of a FeatureCollection document, all validated before any is returned.

    Raises RouteError when the document is not one, and FeatureErrors naming every bad feature
    (each ``where`` names its index, name and line) when any is bad.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise RouteError(f"строка {error.lineno}", f"это не JSON: {error.msg}") from error
    if isinstance(document, Mapping) and document.get("type") == "Feature":
        features: Sequence[Any] = [document]
    elif isinstance(document, Mapping) and document.get("type") == "FeatureCollection":
        raw = document.get("features")
        if not isinstance(raw, list):
            raise RouteError("документ", "в FeatureCollection нужен список 'features'")
        features = raw
    else:
        raise RouteError("документ", "ожидается GeoJSON FeatureCollection")
    lines = _feature_lines(text, len(features))
    parsed: list[ParsedRoute] = []
    errors: list[RouteError] = []
    for index, feature in enumerate(features):
        where = feature_label(index, feature, lines[index] if lines else None)
        try:
            parsed.extend(ParsedRoute(index=index, route=p.route, warnings=p.warnings)
                          for p in _feature_parts(feature, where))
        except RouteError as error:
            errors.append(error)
    if errors:
        raise FeatureErrors(errors)
    return parsed


def _feature_parts(feature: Any, where: str) -> list[ParsedRoute]:
    """The routes of one feature: one for a LineString, one per part of a MultiLineString."""
    geometry = feature.get("geometry") if isinstance(feature, Mapping) else None
    if not isinstance(geometry, Mapping) or geometry.get("type") != "MultiLineString":
        return [parse_feature(feature, where)]
    parts = geometry.get("coordinates")
    if not isinstance(parts, list) or not parts:
        raise RouteError(where, "координаты MultiLineString — непустой список линий")
    if len(parts) == 1:
        return [parse_feature({**feature, "geometry": {"type": "LineString",
                                                       "coordinates": parts[0]}}, where)]
    if _feature_id(feature, where) is not None:
        raise RouteError(where, f"MultiLineString из {len(parts)} частей даёт {len(parts)} "
                                f"маршрута и не может заменить маршрут "
                                f"{_feature_id(feature, where)}: уберите его 'id'")
    props = feature.get("properties")
    name = props.get("name") if isinstance(props, Mapping) else None
    if not isinstance(name, str) or not name.strip():
        raise RouteError(where, "'name' (название) должно быть непустой строкой")
    return [parse_feature({"type": "Feature",
                           "geometry": {"type": "LineString", "coordinates": part},
                           "properties": {**props, "name": f"{name.strip()} (участок {k} из "
                                                           f"{len(parts)})"}},
                          f"{where}, часть {k}", route_id=None)
            for k, part in enumerate(parts, start=1)]


def route_feature(route: Route, **extra: Any) -> Feature:
    """The GeoJSON Feature of a route: what the API serves and `routes export` writes."""
    props: dict[str, Any] = {
        "id": route.id, "name": route.name, "treatment": route.treatment,
        "priority": route.priority, "passes_required": route.passes_required,
        "direction": route.direction, "half_width_m": route.half_width_m,
        "assigned_vehicles": list(route.assigned_vehicles), "contractor": route.contractor,
        "properties": dict(route.properties), "version": route.version, **extra,
    }
    return {"type": "Feature", "id": route.id,
            "geometry": {"type": "LineString",
                         "coordinates": [[lon, lat] for lon, lat in route.coordinates]},
            "properties": props}


def routes_feature_collection(routes: Sequence[Route]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [route_feature(r) for r in routes]}


def _line_coordinates(geometry: Any, where: str) -> Coordinates:
    if not isinstance(geometry, Mapping):
        raise RouteError(where, "нет геометрии")
    kind = geometry.get("type")
    if kind != "LineString":
        raise RouteError(where, f"геометрия должна быть линией (LineString), а не {kind!r}")
    raw = geometry.get("coordinates")
    if not isinstance(raw, list):
        raise RouteError(where, "координаты LineString — список точек")
    coordinates = []
    for position in raw:
        if (not isinstance(position, list) or len(position) < 2
                or not all(isinstance(c, int | float) and not isinstance(c, bool)
                           for c in position[:2])):
            raise RouteError(where, f"точка {position!r} — не [долгота, широта]")
        coordinates.append((float(position[0]), float(position[1])))
    return tuple(coordinates)


def _feature_id(feature: Mapping[str, Any], where: str) -> int | None:
    props = feature.get("properties")
    value = feature.get("id")
    if value is None and isinstance(props, Mapping):
        value = props.get("id")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise RouteError(where, f"'id' — целое число больше 0, а не {value!r}")
    return value


_FEATURES_KEY = re.compile(r'"features"\s*:\s*\[')


def _feature_lines(text: str, count: int) -> list[int] | None:
    """1-based line on which each feature of the 'features' array starts (None if unsure).

    The document already parsed, so this only re-walks the array with raw_decode to learn where
    each element begins; any surprise (a 'features' key nested elsewhere first) gives up.
    """
    match = _FEATURES_KEY.search(text)
    if match is None:
        return None
    decoder = json.JSONDecoder()
    pos, lines = match.end(), []
    try:
        for _ in range(count):
            while text[pos] in " \t\r\n,":
                pos += 1
            lines.append(text.count("\n", 0, pos) + 1)
            _, pos = decoder.raw_decode(text, pos)
    except (json.JSONDecodeError, IndexError):
        return None
    return lines
