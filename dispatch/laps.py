"""One lap of a simulated vehicle as legs of constant acceleration (``dispatch.motion``).

A lap is built from a seeded random generator and a speed profile: runs between stops at
steady speeds drawn from the profile's bands, ramps between them that always close exactly,
and stands (red lights, bus stops, the turn at a route's end).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Final

from dispatch.speed_profiles import SpeedProfile

__all__ = ["KMH_PER_MS", "Lap", "LapBuilder", "Leg"]

KMH_PER_MS: Final = 3.6


@dataclass(frozen=True, slots=True)
class Leg:
    """A stretch of one lap with constant acceleration; distances are along the lap."""

    t0: float  # seconds from the lap's start
    duration: float
    d0: float  # lap distance driven before this leg (0 .. 2 * length)
    length: float  # distance covered by this leg
    v0: float  # m/s at the leg's start
    accel: float  # m/s^2
    forward: bool
    equipment: bool

    def distance_at(self, tau: float) -> float:
        """Distance covered tau seconds into the leg, never beyond the leg's own length."""
        return min(self.length, max(0.0, self.v0 * tau + 0.5 * self.accel * tau * tau))

    def speed_at(self, tau: float) -> float:
        return max(0.0, self.v0 + self.accel * tau)

    def time_to(self, distance: float) -> float:
        """Seconds into the leg at which `distance` has been covered (stable quadratic root)."""
        if distance <= 0.0:
            return 0.0
        root = math.sqrt(max(0.0, self.v0 * self.v0 + 2.0 * self.accel * distance))
        return min(self.duration, 2.0 * distance / (self.v0 + root))


class LapBuilder:
    """Appends legs for one lap while keeping time, lap distance and speed consistent."""

    def __init__(self, profile: SpeedProfile, rng: random.Random) -> None:
        self.profile = profile
        self.rng = rng
        self.legs: list[Leg] = []
        self.t = 0.0
        self.d = 0.0
        self.v = 0.0

    def _add(self, duration: float, length: float, accel: float, forward: bool,
             equipment: bool) -> None:
        if duration <= 0.0:
            return
        self.legs.append(Leg(self.t, duration, self.d, length, self.v, accel, forward,
                              equipment))
        self.t += duration
        self.d += length
        self.v = max(0.0, self.v + accel * duration)

    def ramp(self, target: float, forward: bool, equipment: bool) -> None:
        """Speed up or brake to `target` m/s at the profile's acceleration."""
        a = self.profile.accel_ms2
        if abs(target - self.v) < 1e-9:
            self.v = target
            return
        duration = abs(target - self.v) / a
        length = abs(target * target - self.v * self.v) / (2.0 * a)
        self._add(duration, length, a if target > self.v else -a, forward, equipment)
        self.v = target

    def cruise(self, length: float, forward: bool, equipment: bool) -> None:
        if length > 0.0 and self.v > 0.0:
            self._add(length / self.v, length, 0.0, forward, equipment)

    def stand(self, seconds: float, forward: bool, equipment: bool) -> None:
        self.v = 0.0
        self._add(seconds, 0.0, 0.0, forward, equipment)

    def run(self, distance: float, forward: bool, working: bool) -> None:
        """Drive `distance` metres from a standstill to a standstill (a stop or a route end).

        Each stretch picks a steady speed no higher than the one from which the vehicle can
        still brake to a stop by the run's end, so the kinematics always close exactly.
        """
        p, rng, a = self.profile, self.rng, self.profile.accel_ms2
        covered = 0.0
        while distance - covered > 1e-6:
            remaining = distance - covered
            tool = working and p.has_equipment and rng.random() >= p.deadhead_probability
            low, high = p.work_kmh if working else p.deadhead_kmh
            target = rng.uniform(low, high) / KMH_PER_MS
            # Highest speed from which both the ramp to it and the stop after it still fit.
            target = min(target, math.sqrt(a * remaining + 0.5 * self.v * self.v))
            ramp_m = abs(target * target - self.v * self.v) / (2.0 * a)
            brake_m = target * target / (2.0 * a)
            wanted = rng.uniform(*p.stretch_m)
            if ramp_m + max(wanted - ramp_m, 0.0) + brake_m >= remaining - 1e-6:
                # Last stretch of the run: ramp, hold, brake to a stop exactly at its end.
                self.ramp(target, forward, tool)
                self.cruise(max(0.0, remaining - ramp_m - brake_m), forward, tool)
                self.ramp(0.0, forward, tool)
                break
            cruise_m = max(wanted - ramp_m, 0.0)
            self.ramp(target, forward, tool)
            self.cruise(cruise_m, forward, tool)
            covered += ramp_m + cruise_m
            if rng.random() < p.light_stop_probability:
                self.ramp(0.0, forward, tool)
                covered += brake_m
                self.stand(rng.uniform(*p.light_stop_s), forward,
                           tool and p.equipment_on_when_stopped)


@dataclass(frozen=True, slots=True)
class Lap:
    legs: tuple[Leg, ...]
    starts: tuple[float, ...]  # t0 of each leg, for bisect
    duration: float
