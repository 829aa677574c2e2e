"""Map marks: what a dispatcher may put on the map, checked before it is stored.

Operational layers (road state, broken elevators, flooded basements) and reference layers
(settlements within city limits, groups of houses). Validation is pure: a GeoJSON Feature in,
a ``MarkInput`` out, or a ``MarkError`` naming the field that is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Final

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from dispatch.local_time import parse_local

#: layer -> (Russian title, geometry types it takes)
LAYERS: Final[Mapping[str, tuple[str, frozenset[str]]]] = {
    "road_state": ("Состояние дорог", frozenset({"Point", "LineString", "MultiLineString"})),
    "broken_elevator": ("Неработающие лифты", frozenset({"Point"})),
    "flooded_basement": ("Подтопленные подвалы", frozenset({"Point"})),
    "settlement": ("Населённые пункты в черте города", frozenset({"Polygon", "MultiPolygon"})),
    "house_group": ("Группы домов", frozenset({"Polygon", "MultiPolygon", "Point"})),
}
STATUSES: Final = ("open", "in_progress", "resolved")
MAX_TEXT = 2000


class MarkError(ValueError):
    """A mark we refuse; ``field`` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True, slots=True)
class MarkInput:
    layer: str
    geometry: BaseGeometry  # WGS-84, lon/lat
    status: str
    text: str
    valid_from: datetime | None
    valid_to: datetime | None
    public: bool


def _time(props: Mapping[str, Any], key: str, zone: tzinfo) -> datetime | None:
    value = props.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise MarkError(key, "must be an ISO 8601 time")
    try:
        return parse_local(value, zone)
    except ValueError as e:
        raise MarkError(key, f"{value!r} is not an ISO 8601 time") from e


def _geometry(raw: Any, layer: str) -> BaseGeometry:
    if not isinstance(raw, Mapping) or "type" not in raw:
        raise MarkError("geometry", "a GeoJSON geometry is required")
    allowed = LAYERS[layer][1]
    if raw["type"] not in allowed:
        raise MarkError("geometry", f"layer {layer} takes {', '.join(sorted(allowed))}, "
                                    f"not {raw['type']}")
    try:
        geometry = shape(dict(raw))
    except (ValueError, TypeError, AttributeError, IndexError) as e:
        raise MarkError("geometry", f"malformed coordinates ({e})") from e
    if geometry.is_empty or not geometry.is_valid:
        raise MarkError("geometry", "empty or self-intersecting geometry")
    minx, miny, maxx, maxy = geometry.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise MarkError("geometry", "coordinates must be longitude, latitude in WGS-84")
    return geometry


def parse_mark(feature: Any, zone: tzinfo, *, existing: MarkInput | None = None) -> MarkInput:
    """A Feature (or, with ``existing``, a partial one for an update) as a checked mark; a
    validity time without an offset is the wall time in ``zone`` (the city's)."""
    if not isinstance(feature, Mapping):
        raise MarkError("body", "a GeoJSON Feature object is required")
    props = feature.get("properties") or {}
    if not isinstance(props, Mapping):
        raise MarkError("properties", "must be an object")
    layer = props.get("layer", existing.layer if existing else None)
    if layer not in LAYERS:
        raise MarkError("layer", f"one of {', '.join(LAYERS)} is required")
    if "geometry" in feature or existing is None:
        geometry = _geometry(feature.get("geometry"), layer)
    else:
        geometry = existing.geometry
    status = props.get("status", existing.status if existing else "open")
    if status not in STATUSES:
        raise MarkError("status", f"one of {', '.join(STATUSES)}")
    text = props.get("text", existing.text if existing else "")
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise MarkError("text", f"a string of at most {MAX_TEXT} characters")
    public = props.get("public", existing.public if existing else False)
    if not isinstance(public, bool):
        raise MarkError("public", "must be true or false")
    valid_from = _time(props, "valid_from", zone) if "valid_from" in props else (
        existing.valid_from if existing else None)
    valid_to = _time(props, "valid_to", zone) if "valid_to" in props else (
        existing.valid_to if existing else None)
    if valid_from and valid_to and valid_to < valid_from:
        raise MarkError("valid_to", "is before valid_from")
    return MarkInput(layer, geometry, status, text, valid_from, valid_to, public)
