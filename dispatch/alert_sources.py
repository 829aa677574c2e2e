"""The alert sources: equipment and idle anomalies still going on, silence during a storm.

- :class:`OngoingTrackEvents` re-uses the track events of ``dispatch.events`` over the latest
  stretch of every track: an event counts as holding when it reaches the vehicle's latest fix
  (within one ``max_gap_s``). The per-vehicle checks (sensor stuck or silent, on line but not
  moving) then judge exactly that stretch, so "for 30 minutes" means the last 30 minutes.
  "Off every route" means outside every route's corridor (the route's ``half_width_m``).
- :class:`StormSilence`: during a declared storm (started, its reporting window not closed), a
  road machine without a fix for ``silent_after_s`` of the storm's time.

:func:`default_sources` is the list the server runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from dispatch.alerts import AlertParams, AlertSource, Condition, FleetSnapshot
from dispatch.events import EventParams, find_events
from dispatch.parameters import CoverageParams
from dispatch.storms import Storm

__all__ = ["OngoingTrackEvents", "StormSilence", "active_storm", "default_sources"]


@dataclass(frozen=True, slots=True)
class OngoingTrackEvents:
    """Events of ``kinds`` over the last ``window_s`` that last until the latest fix."""

    kinds: tuple[str, ...]
    window_s: float
    params: EventParams
    coverage: CoverageParams = CoverageParams()

    @property
    def lookback_s(self) -> float:
        # fixes a little older than the window, so a vehicle reporting all along spans it
        return self.window_s + 2 * self.params.max_gap_s

    def conditions(self, snapshot: FleetSnapshot) -> list[Condition]:
        start = snapshot.now - timedelta(seconds=self.lookback_s)
        fixes = snapshot.fixes
        found = find_events(fixes, snapshot.routes, snapshot.vehicles,
                            window=(start, snapshot.now), params=self.params,
                            coverage=self.coverage)
        latest: dict[int, float] = {}
        if len(fixes.t):
            ids = np.unique(fixes.vehicle)
            last_t = np.full(len(ids), -np.inf)
            np.maximum.at(last_t, np.searchsorted(ids, fixes.vehicle), fixes.t)
            latest = dict(zip(ids.tolist(), last_t.tolist(), strict=True))
        return [Condition(e.kind, e.vehicle_id, e.started, e.lon, e.lat, dict(e.details))
                for e in found
                if e.kind in self.kinds
                and e.ended >= latest.get(e.vehicle_id, np.inf) - self.params.max_gap_s]


def active_storm(storms: Sequence[Storm], now_s: float) -> Storm | None:
    """The earliest-declared storm going on at ``now_s`` (started, window not closed)."""
    going = [s for s in storms if s.started_at.timestamp() <= now_s
             and (s.closed_at is None or s.closed_at.timestamp() > now_s)]
    return min(going, key=lambda s: s.started_at, default=None)


@dataclass(frozen=True, slots=True)
class StormSilence:
    """Road machines (vehicles with a treatment) silent for ``silent_after_s`` of a storm."""

    silent_after_s: float
    kinds: tuple[str, ...] = ("silent_during_storm",)
    lookback_s: float = 0.0  # judged from the latest fixes, not from the track

    def conditions(self, snapshot: FleetSnapshot) -> list[Condition]:
        now = snapshot.now.timestamp()
        storm = active_storm(snapshot.storms, now)
        if storm is None:
            return []
        out = []
        for vehicle_id, info in sorted(snapshot.vehicles.items()):
            if not info.treatments:
                continue
            last = snapshot.last_fixes.get(vehicle_id)
            since = max(storm.started_at.timestamp(), last.t if last is not None else -np.inf)
            if now - since >= self.silent_after_s:
                out.append(Condition(
                    "silent_during_storm", vehicle_id, since,
                    None if last is None else last.lon, None if last is None else last.lat,
                    {"storm_id": storm.id, "storm": storm.name,
                     "silent_min": round((now - since) / 60, 1)}))
        return out


def default_sources(params: AlertParams,
                    coverage: CoverageParams | None = None) -> list[AlertSource]:
    """Equipment off routes and speeding over the latest minutes, a vehicle standing, a sensor
    that never changes over hours, silence during a storm."""
    coverage = coverage or CoverageParams()

    def track(kinds: tuple[str, ...], window_s: float) -> OngoingTrackEvents:
        return OngoingTrackEvents(kinds, window_s, params.event_params(window_s), coverage)

    return [
        track(("equipment_on_off_route", "speeding_while_treating"), params.recent_min * 60),
        track(("online_not_moving",), params.idle_after_min * 60),
        track(("sensor_stuck_on", "sensor_never_toggled", "sensor_not_reported"),
              params.sensor_window_h * 3600),
        StormSilence(params.storm_silent_after_min * 60),
    ]
