"""Alerts: conditions a dispatcher should see *now*, from a snapshot of the fleet.

An alert source is one entry of a list (:data:`AlertSource`): it names the kinds it judges and,
given a :class:`FleetSnapshot`, returns the :class:`Condition` of each (subject, kind) that
holds at the snapshot's moment; the subject is a vehicle, a route or a vehicle on a route. The
caller (a periodic job) stores a new alert when a condition appears, keeps one alert while it
holds and closes it when the source stops returning it, so a source never has to remember
anything between runs. Adding a source (say, a forecast that a route will miss its storm norm)
is one more entry in the list given to :func:`detect`; its kinds go into :data:`KIND_LABELS`.

Pure: fixes, the registry, routes and storms in; conditions out. The sources themselves are in
``dispatch.alert_sources``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Protocol

from dispatch.equipment import VehicleInfo
from dispatch.events import EventParams
from dispatch.fixes import FixArrays
from dispatch.routes import Route
from dispatch.storms import Storm

__all__ = ["KIND_LABELS", "AlertParams", "AlertSource", "Condition", "FleetSnapshot",
           "LastFix", "detect"]

#: Every alert kind with the words a dispatcher reads.
KIND_LABELS: Final[Mapping[str, str]] = {
    "equipment_on_off_route": "Оборудование работает вне маршрутов",
    "speeding_while_treating": "Превышение рабочей скорости",
    "sensor_stuck_on": "Датчик оборудования всё время «включено»",
    "sensor_never_toggled": "Датчик оборудования не переключается",
    "sensor_not_reported": "Датчик оборудования не передаёт данных",
    "online_not_moving": "На связи, но стоит",
    "silent_during_storm": "Нет связи во время снегопада",
    "breach_forecast": "Участки не успевают к нормативу",
    "norm_breached": "Норматив уборки нарушен",
}

_EVENTS: Final = EventParams()


@dataclass(frozen=True, slots=True)
class AlertParams:
    """Thresholds of the alert sources (the ``[alerts]`` configuration section)."""

    off_route_min_m: float = _EVENTS.off_route_min_m  # driven off every route, tool working
    speeding_min_s: float = _EVENTS.speeding_min_s  # above the working speed band this long
    moving_kmh: float = _EVENTS.moving_kmh  # below this a vehicle is standing
    max_gap_s: float = _EVENTS.max_gap_s  # a longer silence ends a run of fixes
    recent_min: float = 10.0  # equipment alerts look at this much of the latest track
    idle_after_min: float = 30.0  # on line, inside idle_radius_m, this long: not moving
    idle_radius_m: float = _EVENTS.idle_radius_m
    sensor_window_h: float = 2.0  # a sensor that never changes over this long is suspect
    never_toggled_min_km: float = _EVENTS.never_toggled_min_km  # ...if driven this far
    storm_silent_after_min: float = 15.0  # no fix this long during a declared storm

    def event_params(self, window_s: float) -> EventParams:
        """The track-event thresholds with the per-vehicle checks judged over ``window_s``."""
        return EventParams(off_route_min_m=self.off_route_min_m, moving_kmh=self.moving_kmh,
                           speeding_min_s=self.speeding_min_s, shift_min_h=window_s / 3600,
                           idle_radius_m=self.idle_radius_m,
                           never_toggled_min_km=self.never_toggled_min_km,
                           max_gap_s=self.max_gap_s)


@dataclass(frozen=True, slots=True)
class LastFix:
    """A vehicle's latest fix: when (POSIX seconds) and where."""

    t: float
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class FleetSnapshot:
    """What the sources judge: fixes of the last ``lookback_s`` (see :func:`lookback_s`), the
    registry, the routes in force, the storms and every vehicle's latest fix, as of ``now``."""

    now: datetime
    fixes: FixArrays
    vehicles: Mapping[int, VehicleInfo]
    routes: Sequence[Route]
    storms: Sequence[Storm]
    last_fixes: Mapping[int, LastFix]


@dataclass(frozen=True, slots=True)
class Condition:
    """A condition holding now: what, about which vehicle and/or route, since when (POSIX
    seconds), where (lon, lat)."""

    kind: str
    vehicle_id: int | None
    since: float
    lon: float | None
    lat: float | None
    details: Mapping[str, Any] = field(default_factory=dict)
    route_id: int | None = None

    def __post_init__(self) -> None:
        if self.vehicle_id is None and self.route_id is None:
            raise ValueError("a condition is about a vehicle, a route or both")

    @property
    def subject(self) -> tuple[int, int, str]:
        """What one alert stands for: (vehicle or 0, route or 0, kind), as the database keys
        the open alerts."""
        return self.vehicle_id or 0, self.route_id or 0, self.kind


class AlertSource(Protocol):
    """One entry of the sources list: the kinds it judges and how far back it needs fixes."""

    @property
    def kinds(self) -> tuple[str, ...]: ...

    @property
    def lookback_s(self) -> float: ...

    def conditions(self, snapshot: FleetSnapshot) -> list[Condition]: ...


def lookback_s(sources: Sequence[AlertSource]) -> float:
    """How many seconds of fixes a snapshot must hold for every source."""
    return max((s.lookback_s for s in sources), default=0.0)


def detect(sources: Sequence[AlertSource], snapshot: FleetSnapshot) -> list[Condition]:
    """Every condition holding at the snapshot's moment, one per subject and kind (the first
    source's), in order of vehicle, route, kind."""
    found: dict[tuple[int, int, str], Condition] = {}
    for source in sources:
        for condition in source.conditions(snapshot):
            found.setdefault(condition.subject, condition)
    return [found[key] for key in sorted(found)]
