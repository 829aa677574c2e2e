"""The demo fleet: 78 road machines and 6 buses, each with its one terminal, and how it drives.

Deterministic: the same call gives the same fleet (kinds in a municipal winter fleet's shares,
models, plates, contractors, drivers and their phones, terminal protocols, ids and IMEIs), and
``demo_driver`` (the simulated motion, not a person) puts each vehicle on its own route of
``dispatch.demo_city`` so the simulator and the tests agree.
Buses speak NDTP; three road machines speak each tracker protocol (contractors bring their
own trackers, road crews phones); the other road machines speak EGTS.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from dispatch.demo_city import (
    CONTRACTORS,
    TREATMENTS,
    DemoDataError,
    demo_bus_lines,
    demo_routes,
)
from dispatch.motion import RouteDirection, RouteDriver, profile_for, route_length_m

__all__ = [
    "BUS_KIND",
    "ROAD_KINDS",
    "TRACKER_PROTOCOLS",
    "DemoVehicle",
    "demo_driver",
    "demo_fleet",
    "luhn_check_digit",
]


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
    driver: str  # who drives it, as the registry shows dispatchers
    driver_phone: str  # +7 and ten digits, as dispatch.registry_input stores it
    equipment_tool: str | None = None
    protocol: str = "egts"  # what its terminal speaks: egts, ndtp or one of TRACKER_PROTOCOLS

    @property
    def identifier(self) -> str:
        """The terminal's id in its protocol: the IMEI for trackers that log in with it, else
        the terminal id (EGTS TID, NDTP device, Wialon id, phone id)."""
        return self.imei if self.protocol in _BY_IMEI else str(self.tid)

    @property
    def terminal(self) -> str:
        """The registry identifier of the vehicle's terminal (``egts:1001``)."""
        return f"{self.protocol}:{self.identifier}"


#: Kinds of road machine and their share of a municipal winter fleet (combined road machines
#: with plough and spreader dominate; loaders and dump trucks haul the windrows away).
ROAD_KINDS: Final[tuple[tuple[str, int], ...]] = (
    ("plow", 24), ("sander", 14), ("dump_truck", 14), ("loader", 10), ("grader", 8),
    ("sweeper", 8),
)
BUS_KIND: Final = "bus"
#: Tracker protocols of the demo (README's protocol table), three road machines each.
TRACKER_PROTOCOLS: Final = ("wialon", "teltonika", "galileosky", "navtelecom", "wialonretr",
                            "osmand")
_PER_TRACKER: Final = 3
_BY_IMEI: Final = frozenset({"teltonika", "galileosky", "navtelecom"})

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


#: Letters allowed on Russian plates: the twelve Cyrillic ones that have a Latin look-alike.
_PLATE_LETTERS: Final = "АВЕКМНОРСТУХ"
_REGION: Final = "27"  # Khabarovsk krai
_FIRST_TID: Final = 1001
_TAC: Final = "86781503"  # type allocation code of the demo terminal model (made up)
_FLEET_SEED: Final = 1932  # the year the city was founded
_SURNAMES: Final = ("Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Васильев",
                    "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев",
                    "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев")
_INITIALS: Final = "АВГДЕИКМНОПСЮ"


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


def demo_fleet(road_vehicles: int = 78, buses: int = 6) -> tuple[DemoVehicle, ...]:
    """The demo fleet: road machines first (TIDs from 1001), then buses; same call, same fleet.

    Every fourth road machine from the fourth on speaks a tracker protocol, in
    TRACKER_PROTOCOLS' order, until each has three: the trackers are spread over the kinds.

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
                              _unique_plate(rng, plates, bus=False), used[kind],
                              _road_protocol(tid - _FIRST_TID)))
        used[kind] += 1
        tid += 1
    for n in range(buses):
        fleet.append(_vehicle(BUS_KIND, tid, n % len(lines), CONTRACTORS[3],
                              _unique_plate(rng, plates, bus=True), n, "ndtp"))
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


def _road_protocol(n: int) -> str:
    """The protocol of the ``n``-th road machine (from 0)."""
    slot, rest = divmod(n, 4)
    if rest == 3 and slot < _PER_TRACKER * len(TRACKER_PROTOCOLS):
        return TRACKER_PROTOCOLS[slot % len(TRACKER_PROTOCOLS)]
    return "egts"


def _vehicle(kind: str, tid: int, route_index: int, contractor: str, plate: str,
             nth: int, protocol: str) -> DemoVehicle:
    models = _MODELS[kind]
    body = f"{_TAC}{tid % 1_000_000:06d}"
    n = tid - _FIRST_TID
    return DemoVehicle(
        name=f"{models[nth % len(models)]} (гар. № {n + 1:03d})",
        kind=kind,
        plate=plate,
        contractor=contractor,
        tid=tid,
        imei=body + luhn_check_digit(body),
        route_index=route_index,
        equipment_tool=_TOOLS[kind],
        protocol=protocol,
        driver=(f"{_SURNAMES[n * 8 % len(_SURNAMES)]} {_INITIALS[n % len(_INITIALS)]}. "
                f"{_INITIALS[n * 5 % len(_INITIALS)]}."),
        driver_phone=f"+7914{5_000_000 + tid % 1_000_000:07d}",  # made up, one per terminal
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
