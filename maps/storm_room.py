"""The storm room's figures: a storm's clock on every stretch as of now, its alerts, how
complete each machine's data is over the storm, the bus lines on its uncleared streets and
the plan check against its norms.

The clock reads the storm's coverage through the coverage service (so it is brought up to
date from the last result, not recomputed) and the last hour of every vehicle's fixes, which
say where the crews are and how fast they have been working; the forecast is computed in a
worker thread. The latest clock is kept for ``/metrics`` (``StormGauges``), and
:meth:`StormRoom.alerts` is the alert source for the dispatcher's event feed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, Final

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred, succeed
from twisted.internet.threads import deferToThread
from twisted.web.server import Request

from db import coverage as coverage_db
from db import routes as route_db
from db import storms as store
from db import transit as transit_db
from db.transit import BusLine, BusLive
from dispatch.alerts import Condition, FleetSnapshot
from dispatch.breach_forecast import ForecastParams
from dispatch.bus_exposure import LiveBus, TransitLine, bus_exposure
from dispatch.coverage import CoverageResult
from dispatch.coverage_json import iso
from dispatch.crews import observe_crews
from dispatch.data_completeness import SENSOR_LABELS, CompletenessParams, data_completeness
from dispatch.equipment import VehicleInfo
from dispatch.fixes import FixArrays
from dispatch.plan_check import NetworkStreet, check_plan, plan_document
from dispatch.projection import projection_for
from dispatch.routes import Route
from dispatch.storm_alerts import ALERT_KINDS, StormAlert, storm_alerts
from dispatch.storm_clock import CLOCK_STATES, StormClock, StretchClock, storm_clock
from dispatch.storms import Storm
from maps.api import ApiError
from maps.coverage_api import CoverageService
from maps.storms_api import machines_in_window, storm_view

__all__ = ["CREW_LOOK_BACK", "RoomClock", "StormClockAlerts", "StormGauges", "StormRoom",
           "clock_document", "current_storm", "storm_views", "transit_document"]

Clock = Callable[[], datetime]
#: The fixes that place the crews and give their working speeds.
CREW_LOOK_BACK: Final = timedelta(hours=1)
#: A clock this fresh of the same storm is served again: the screen asks for the clock and the
#: bus lines on it together, and several dispatchers watch the same storm.
CLOCK_REUSE: Final = timedelta(seconds=15)


@dataclass(frozen=True, slots=True, eq=False)
class RoomClock:
    """A storm's clock with the vehicles it names."""

    clock: StormClock
    vehicles: dict[int, VehicleInfo]


class StormGauges:
    """The latest clock's counts, read by ``/metrics`` at every scrape; ``refresh`` (set by
    the site's storm room) recomputes the clock of the storm open now."""

    def __init__(self) -> None:
        self.latest: StormClock | None = None
        self.refresh: Callable[[], Deferred[None]] | None = None

    def stretches(self) -> Iterable[tuple[tuple[str, ...], float]]:
        counts = self.latest.counts() if self.latest is not None else {}
        return [((state,), float(counts.get(state, 0))) for state in CLOCK_STATES]

    def metres(self) -> Iterable[tuple[tuple[str, ...], float]]:
        metres = self.latest.metres() if self.latest is not None else {}
        return [((state,), metres.get(state, 0.0)) for state in CLOCK_STATES]

    def forecast_breaches(self) -> float:
        return float(len(self.latest.forecast_breaches())) if self.latest is not None else 0.0


@dataclass(frozen=True, slots=True)
class StormClockAlerts:
    """The storm clock as an alert source (``dispatch.alerts.AlertSource``): per route, a
    breach foreseen or a norm missed, from the open storm's clock the gauges keep (recomputed
    every minute by the server), so the alert job reads no extra fixes for it."""

    gauges: StormGauges
    zone: tzinfo
    kinds: tuple[str, ...] = ALERT_KINDS
    lookback_s: float = 0.0

    def conditions(self, snapshot: FleetSnapshot) -> list[Condition]:
        clock = self.gauges.latest
        if clock is None:
            return []
        return [Condition(
            kind=a.kind, vehicle_id=None, route_id=a.route_id,
            since=(a.deadline if a.kind == "norm_breached" and a.deadline is not None
                   else a.raised_at).timestamp(),
            lon=a.lon, lat=a.lat,
            details={"text": a.text, "storm_id": a.storm_id, "storm": clock.storm.name,
                     "length_m": a.length_m, "stretches": [list(m) for m in a.stretches],
                     "deadline": iso(a.deadline), "expected_at": iso(a.expected_at)})
            for a in storm_alerts(clock, self.zone) if a.route_id is not None]


def current_storm(cur: Any, now: datetime) -> Storm | None:
    """The newest storm whose report window is still open at ``now``."""
    for storm in store.list_storms(cur):
        if storm.started_at <= now and (storm.closed_at is None or storm.closed_at > now):
            return storm
    return None


def _crew_fixes(cur: Any, now: datetime) -> tuple[FixArrays, dict[int, VehicleInfo]]:
    return (coverage_db.fixes_for_coverage(cur, now - CREW_LOOK_BACK, now),
            coverage_db.vehicle_infos(cur))


class StormRoom:
    """Clocks of storms on request; the last one computed stays in ``gauges``."""

    def __init__(self, pool: adbapi.ConnectionPool, service: CoverageService, clock: Clock,
                 gauges: StormGauges | None = None,
                 params: ForecastParams | None = None) -> None:
        self._pool, self._service, self._clock = pool, service, clock
        self.gauges = gauges or StormGauges()
        self.gauges.refresh = self.refresh_current
        self.params = params or ForecastParams()
        self.completeness_params = CompletenessParams()
        self._last: RoomClock | None = None
        self.zone = service.zone

    def clock(self, storm_id: int) -> Deferred[RoomClock]:
        """The storm's clock as of now; 404 (``ApiError``) for no such storm."""
        found: Deferred[Storm | None] = self._pool.runInteraction(store.get_storm, storm_id)

        def compute(storm: Storm | None) -> Deferred[RoomClock]:
            if storm is None:
                raise ApiError(404, "нет такого снегопада", storm_id)
            return self._clock_of(storm)

        return found.addCallback(compute)  # type: ignore[return-value]

    def completeness(self, storm_id: int) -> Deferred[dict[str, Any]]:
        """Data completeness per machine over the storm's window, as a JSON document."""
        now = self._clock()

        def read(cur: Any) -> tuple[Storm, FixArrays, dict[int, VehicleInfo]]:
            storm = store.get_storm(cur, storm_id)
            if storm is None:
                raise ApiError(404, "нет такого снегопада", storm_id)
            return storm, *machines_in_window(cur, *storm.window(now))

        def compute(found: tuple[Storm, FixArrays, dict[int, VehicleInfo]]) -> dict[str, Any]:
            storm, fixes, vehicles = found
            start, end = storm.window(now)
            rows = data_completeness(fixes, vehicles, (start, end), now, self.completeness_params)
            return {"storm": storm_view(storm), "from": iso(start), "to": iso(end),
                    "vehicles": [{**asdict(r), "sensor_label": SENSOR_LABELS[r.sensor]}
                                 for r in rows],
                    "parameters": asdict(self.completeness_params)}

        found: Deferred[Any] = self._pool.runInteraction(read)
        return found.addCallback(lambda f: deferToThread(compute, f))  # type: ignore[no-any-return]

    def transit(self, storm_id: int) -> Deferred[dict[str, Any]]:
        """Bus lines on the storm's uncleared stretches and the buses on them now (JSON)."""
        lines: Deferred[tuple[list[BusLine], list[BusLive]]] = self._pool.runInteraction(
            lambda cur: (transit_db.bus_lines(cur), transit_db.live_buses(cur)))

        def with_clock(read: tuple[list[BusLine], list[BusLive]]) -> Deferred[dict[str, Any]]:
            return self.clock(storm_id).addCallback(
                lambda room: deferToThread(transit_document, room.clock, *read))

        return lines.addCallback(with_clock)  # type: ignore[no-any-return]

    def plan(self, storm_id: int) -> Deferred[dict[str, Any]]:
        """The plan check of the routes in force, capacity judged by the storm's norms."""
        def read(cur: Any) -> tuple[Storm, list[Route], list[NetworkStreet],
                                    dict[int, VehicleInfo]]:
            storm = store.get_storm(cur, storm_id)
            if storm is None:
                raise ApiError(404, "нет такого снегопада", storm_id)
            return (storm, route_db.list_routes(cur), route_db.plan_network(cur),
                    coverage_db.vehicle_infos(cur))

        def compute(found: tuple[Storm, list[Route], list[NetworkStreet],
                                 dict[int, VehicleInfo]]) -> dict[str, Any]:
            storm, routes, network, vehicles = found
            check = check_plan(routes, network, vehicles, storm.norms(), projection_for())
            return {"storm": storm_view(storm), **plan_document(check)}

        found: Deferred[Any] = self._pool.runInteraction(read)
        return found.addCallback(lambda f: deferToThread(compute, f))  # type: ignore[no-any-return]

    def refresh_current(self) -> Deferred[None]:
        """Recompute the clock of the storm open now (the gauges' latest); none open: none."""
        def of(storm: Storm | None) -> Deferred[None] | None:
            if storm is None:
                self.gauges.latest = None
                return None
            return self._clock_of(storm).addCallback(lambda _: None)

        return self.current().addCallback(of)  # type: ignore[return-value]

    def current(self) -> Deferred[Storm | None]:
        return self._pool.runInteraction(current_storm, self._clock())  # type: ignore[no-any-return]

    def alerts(self) -> Deferred[list[StormAlert]]:
        """The alert source: at-risk and breached stretches of the current storm (none when
        no storm is open)."""
        def of(storm: Storm | None) -> Deferred[list[StormAlert]] | list[StormAlert]:
            if storm is None:
                return []
            return self._clock_of(storm).addCallback(
                lambda room: storm_alerts(room.clock, self.zone))

        return self.current().addCallback(of)  # type: ignore[return-value]

    def _clock_of(self, storm: Storm) -> Deferred[RoomClock]:
        now = self._clock()
        last = self._last
        if last is not None and last.clock.storm == storm \
                and now - last.clock.generated_at < CLOCK_REUSE:
            return succeed(last)
        start, end = storm.window(now)

        def with_crews(result: CoverageResult) -> Deferred[RoomClock]:
            crews: Deferred[tuple[FixArrays, dict[int, VehicleInfo]]] = \
                self._pool.runInteraction(_crew_fixes, now)
            return crews.addCallback(lambda read: deferToThread(
                self._compute, storm, result, read[0], read[1], now))

        return self._service.coverage(start, end).addCallback(  # type: ignore[return-value]
            with_crews)

    def _compute(self, storm: Storm, result: CoverageResult, fixes: FixArrays,
                 vehicles: dict[int, VehicleInfo], now: datetime) -> RoomClock:
        crews = observe_crews(fixes, vehicles, now.timestamp())
        clock = storm_clock(storm, result, crews, now, projection_for(), self.params)
        if storm.closed_at is None or storm.closed_at > now:  # an old storm's is no news
            self.gauges.latest = clock
        self._last = RoomClock(clock, vehicles)
        return self._last


def _stretch_feature(s: StretchClock, vehicles: dict[int, VehicleInfo]) -> dict[str, Any]:
    def name(vehicle_id: int | None) -> str | None:
        info = vehicles.get(vehicle_id) if vehicle_id is not None else None
        return info.name if info is not None else None

    return {"type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [list(c) for c in s.coordinates]},
            "properties": {
                "route_id": s.route_id, "route": s.route, "contractor": s.contractor,
                "priority": s.priority, "index": s.index, "m_from": round(s.m_from, 1),
                "m_to": round(s.m_to, 1), "length_m": round(s.length_m, 1),
                "coverage_state": s.coverage_state, "norm_h": s.norm_h,
                "deadline": iso(s.deadline), "cleared_at": iso(s.cleared_at),
                "time_left_s": s.time_left_s, "state": s.state,
                "expected_at": iso(s.expected_at), "forecast_breach": s.forecast_breach,
                "finishing_vehicle": ({"id": s.finishing_vehicle,
                                       "name": name(s.finishing_vehicle)}
                                      if s.finishing_vehicle is not None else None),
                "crew": [{"id": v, "name": name(v)} for v in s.crew]}}


def clock_document(room: RoomClock) -> dict[str, Any]:
    """The clock as a FeatureCollection of stretches, most urgent first, with the counts and
    the crews counted on (where each was last seen, its observed working speed)."""
    clock = room.clock
    crew = {v for s in clock.stretches for v in s.crew}
    return {"type": "FeatureCollection", "storm": storm_view(clock.storm),
            "generated_at": iso(clock.generated_at), "counts": clock.counts(),
            "metres": clock.metres(),
            "crews": [{"vehicle_id": c.vehicle_id, "name": room.vehicles[c.vehicle_id].name
                       if c.vehicle_id in room.vehicles else None,
                       "last_fix": iso(c.t), "working_kmh": c.working_kmh}
                      for c in sorted(clock.crews.values(), key=lambda c: c.vehicle_id)
                      if c.vehicle_id in crew],
            "features": [_stretch_feature(s, room.vehicles) for s in clock.stretches]}


def _stretch_ref(s: StretchClock) -> dict[str, Any]:
    return {"route_id": s.route_id, "route": s.route, "m_from": round(s.m_from, 1),
            "m_to": round(s.m_to, 1), "state": s.state}


def transit_document(clock: StormClock, lines: list[BusLine],
                     buses: list[BusLive]) -> dict[str, Any]:
    """Per bus line its uncleared stretches (a Feature each line), and the buses on them."""
    exposures, on = bus_exposure(
        clock, [TransitLine(li.number, li.name, li.coordinates) for li in lines],
        [LiveBus(b.id, b.name, b.route_number, b.fix_time, b.longitude, b.latitude)
         for b in buses], projection_for())
    return {"storm": storm_view(clock.storm), "generated_at": iso(clock.generated_at),
            "type": "FeatureCollection",
            "features": [{"type": "Feature",
                          "geometry": {"type": "LineString",
                                       "coordinates": [list(c) for c in e.line.coordinates]},
                          "properties": {"number": e.line.number, "name": e.line.name,
                                         "length_m": e.length_m, "uncleared_m": e.uncleared_m,
                                         "stretches": [_stretch_ref(s) for s in e.stretches]}}
                         for e in exposures],
            "buses": [{"vehicle_id": b.bus.vehicle_id, "name": b.bus.name, "line": b.bus.line,
                       "fix_time": iso(b.bus.fix_time), "lon": b.bus.lon, "lat": b.bus.lat,
                       "stretch": _stretch_ref(b.stretch)} for b in on]}


def storm_views(room: StormRoom) -> dict[str, Callable[[Request, int], Deferred[Any]]]:
    """The storm room's views of one storm, mounted under ``/api/storms/{id}/``: ``clock``,
    ``completeness``, ``transit`` and ``plan``."""
    return {"clock": lambda request, storm_id: room.clock(storm_id).addCallback(
                clock_document),
            "completeness": lambda request, storm_id: room.completeness(storm_id),
            "transit": lambda request, storm_id: room.transit(storm_id),
            "plan": lambda request, storm_id: room.plan(storm_id)}
