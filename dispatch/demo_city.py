"""The demo city: Komsomolsk-on-Amur's clearing routes, marks, bus lines and a demo fleet.

``make run`` seeds an empty database from here and the terminal simulator drives the fleet
along these routes, so that a fresh checkout shows a living city instead of an empty map. The
data ships as GeoJSON in ``dispatch/data`` (WGS-84, lon/lat); this module only reads and checks
it and hands out frozen values, so callers cannot change the shared copy by accident.

The geometry is drawn by hand after the city's layout (see the files' ``note``): right for a
demo, not for navigation.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any, Final

from dispatch.motion import RouteDirection, RouteDriver, profile_for, route_length_m

__all__ = [
    "BUS_KIND",
    "CONTRACTORS",
    "MARK_LAYERS",
    "ROAD_KINDS",
    "DemoBusLine",
    "DemoDataError",
    "DemoMark",
    "DemoRoute",
    "DemoVehicle",
    "demo_bus_lines",
    "demo_driver",
    "demo_fleet",
    "demo_marks",
    "demo_routes",
    "luhn_check_digit",
]

ROUTES_FILE: Final = "komsomolsk_demo.geojson"
MARKS_FILE: Final = "komsomolsk_marks.geojson"
BUS_LINES_FILE: Final = "komsomolsk_bus_lines.geojson"

TREATMENTS: Final = ("plough", "spread", "sweep")
DIRECTIONS: Final = ("both", "as_drawn")
MARK_LAYERS: Final = ("road_state", "broken_elevator", "flooded_basement")
MARK_STATUSES: Final = ("open", "in_progress", "resolved")

Coordinates = tuple[tuple[float, float], ...]


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


@dataclass(frozen=True, slots=True)
class DemoVehicle:
    """A vehicle of the demo fleet with its one terminal.

    ``route_index`` indexes ``demo_routes()`` for road vehicles and ``demo_bus_lines()`` for
    buses. ``equipment_tool`` names what the working-equipment input reports (None: no input).
    """

    name: str
    kind: str
    plate: str
    contractor: str
    tid: int  # EGTS terminal id
    imei: str  # 15 digits, Luhn check digit last
    route_index: int
    equipment_tool: str | None = None

    @property
    def protocol(self) -> str:
        """The terminal's protocol: road machines speak EGTS, buses NDTP (as city buses do)."""
        return "ndtp" if self.kind == BUS_KIND else "egts"

    @property
    def terminal(self) -> str:
        """The registry identifier of the vehicle's terminal (``egts:1001``)."""
        return f"{self.protocol}:{self.tid}"


#: Kinds of road machine and their share of a municipal winter fleet (combined road machines
#: with plough and spreader dominate; loaders and dump trucks haul the windrows away).
ROAD_KINDS: Final[tuple[tuple[str, int], ...]] = (
    ("plow", 24), ("sander", 14), ("dump_truck", 14), ("loader", 10), ("grader", 8),
    ("sweeper", 8),
)
BUS_KIND: Final = "bus"

_MODELS: Final[dict[str, tuple[str, ...]]] = {
    "plow": ("КДМ КамАЗ-65115", "КДМ МАЗ-5340", "КДМ КамАЗ-43253"),
    "sander": ("Распределитель ПГМ КамАЗ-65115", "Распределитель ПГМ МАЗ-5550"),
    "dump_truck": ("Самосвал КамАЗ-6520", "Самосвал КамАЗ-65115", "Самосвал МАЗ-6501"),
    "loader": ("Снегопогрузчик КО-206", "Погрузчик Амкодор 342В"),
    "grader": ("Автогрейдер ДЗ-98", "Автогрейдер ГС-14.02"),
    "sweeper": ("Подметально-уборочная МК-1500", "Тротуароуборочная МТЗ-82"),
    "bus": ("ПАЗ-320414", "ЛиАЗ-5292", "НефАЗ-5299"),
}
_TOOLS: Final[dict[str, str | None]] = {
    "plow": "blade", "grader": "blade", "sander": "spreader", "loader": "loader",
    "sweeper": "brush", "dump_truck": None, "bus": None,
}
#: Which routes a kind can serve: by treatment; loaders and dump trucks follow the ploughs.
_SERVES: Final[dict[str, str]] = {
    "plow": "plough", "grader": "plough", "loader": "plough", "dump_truck": "plough",
    "sander": "spread", "sweeper": "sweep",
}

#: Three road contractors (the municipal one answers for half the routes, and its vehicles work
#: them) and the bus operator.
CONTRACTORS: Final = (
    "МУП «Спецавтохозяйство»",
    "ООО «Дорожник-27»",
    "ООО «Амурдорсервис»",
    "МУП «Пассажирское автотранспортное предприятие»",
)
_ROAD_CONTRACTOR_CYCLE: Final = (0, 1, 0, 2, 0, 1, 0, 1, 0, 2)

#: Letters allowed on Russian plates: the twelve Cyrillic ones that have a Latin look-alike.
_PLATE_LETTERS: Final = "АВЕКМНОРСТУХ"
_REGION: Final = "27"  # Khabarovsk krai
_FIRST_TID: Final = 1001
_TAC: Final = "86781503"  # type allocation code of the demo terminal model (made up)
_FLEET_SEED: Final = 1932  # the year the city was founded


def luhn_check_digit(digits: str) -> str:
    """The Luhn digit that completes `digits` (an IMEI's first 14 digits give its 15th)."""
    if not digits.isdigit():
        raise ValueError("digits only")
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 0:  # doubled: every second digit counting from the check digit's left
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return str((10 - total % 10) % 10)


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


def demo_fleet(road_vehicles: int = 78, buses: int = 6) -> tuple[DemoVehicle, ...]:
    """The demo fleet: road machines first (TIDs from 1001), then buses; same call, same fleet.

    Kinds follow ROAD_KINDS' shares; each machine gets a route its treatment fits, round-robin
    with priority-1 routes first, so with the default size every route has a vehicle.
    """
    if road_vehicles < 0 or buses < 0:
        raise ValueError("vehicle counts must not be negative")
    rng = random.Random(_FLEET_SEED)
    routes = demo_routes()
    lines = demo_bus_lines()
    if buses and not lines:
        raise DemoDataError("buses requested but no bus lines are shipped")
    ranked = sorted(range(len(routes)), key=lambda i: (routes[i].priority, i))
    candidates = {
        treatment: [i for i in ranked if routes[i].treatment == treatment]
        for treatment in TREATMENTS
    }
    plates: set[str] = set()
    fleet: list[DemoVehicle] = []
    used = dict.fromkeys(_MODELS, 0)
    tid = _FIRST_TID
    road_kinds = _apportion(road_vehicles)
    for kind in road_kinds:
        pool = candidates[_SERVES[kind]] or ranked
        route_index = pool[used[kind] % len(pool)]
        fleet.append(_vehicle(kind, tid, route_index, routes[route_index].contractor,
                              _unique_plate(rng, plates, bus=False), used[kind]))
        used[kind] += 1
        tid += 1
    for n in range(buses):
        fleet.append(_vehicle(BUS_KIND, tid, n % len(lines), CONTRACTORS[3],
                              _unique_plate(rng, plates, bus=True), n))
        tid += 1
    return tuple(fleet)


def demo_driver(vehicle: DemoVehicle, start_time: datetime, *, seed: int = 0) -> RouteDriver:
    """A RouteDriver for a demo vehicle on its own route, spread out from its route-mates.

    The start position and the odometer reading come from the TID (a golden-ratio sequence
    spreads vehicles sharing a route over both directions), so restarting the simulator puts
    every vehicle back where the same start time had it.
    """
    direction: RouteDirection
    if vehicle.kind == BUS_KIND:
        coordinates = demo_bus_lines()[vehicle.route_index].coordinates
        direction = "both"
    else:
        route = demo_routes()[vehicle.route_index]
        coordinates, direction = route.coordinates, route.direction
    spread = (vehicle.tid * 0.6180339887498949) % 1.0
    odometer_km = random.Random(vehicle.tid).uniform(15_000.0, 240_000.0)
    return RouteDriver(coordinates, profile_for(vehicle.kind), start_time=start_time,
                       seed=seed * 100_003 + vehicle.tid, direction=direction,
                       start_offset_m=spread * 2.0 * route_length_m(coordinates),
                       odometer_start_m=float(round(odometer_km * 1000.0)))


# -- helpers ------------------------------------------------------------------------------------


def _apportion(total: int) -> list[str]:
    """`total` kinds in ROAD_KINDS' proportions (largest remainder), grouped by kind."""
    weight = sum(share for _, share in ROAD_KINDS)
    exact = [(kind, total * share / weight) for kind, share in ROAD_KINDS]
    counts = {kind: int(value) for kind, value in exact}
    short = total - sum(counts.values())
    by_remainder = sorted(exact, key=lambda kv: (-(kv[1] - int(kv[1])), kv[0]))
    for kind, _ in by_remainder[:short]:
        counts[kind] += 1
    return [kind for kind, _ in ROAD_KINDS for _ in range(counts[kind])]


def _vehicle(kind: str, tid: int, route_index: int, contractor: str, plate: str,
             nth: int) -> DemoVehicle:
    models = _MODELS[kind]
    body = f"{_TAC}{tid % 1_000_000:06d}"
    return DemoVehicle(
        name=f"{models[nth % len(models)]} (гар. № {tid - _FIRST_TID + 1:03d})",
        kind=kind,
        plate=plate,
        contractor=contractor,
        tid=tid,
        imei=body + luhn_check_digit(body),
        route_index=route_index,
        equipment_tool=_TOOLS[kind],
    )


def _unique_plate(rng: random.Random, taken: set[str], *, bus: bool) -> str:
    """A plate not handed out yet: А123ВС27 for trucks, АВ12327 (passenger-transport type)."""
    while True:
        letters = "".join(rng.choice(_PLATE_LETTERS) for _ in range(3))
        number = f"{rng.randint(1, 999):03d}"
        if bus:
            plate = f"{letters[:2]}{number}{_REGION}"
        else:
            plate = f"{letters[0]}{number}{letters[1:]}{_REGION}"
        if plate not in taken:
            taken.add(plate)
            return plate


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
