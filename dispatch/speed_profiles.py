"""How each kind of simulated vehicle moves: speed bands, acceleration, stops, equipment.

Pure data for ``dispatch.motion``; a kind the table does not know drives like a plough.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = ["PROFILES", "SpeedProfile", "profile_for"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SpeedProfile:
    """How one kind of vehicle moves on its route; bands are (low, high) in km/h or seconds."""

    work_kmh: tuple[float, float]  # steady speed while working the route
    deadhead_kmh: tuple[float, float]  # steady speed with the tool raised
    accel_ms2: float  # both for speeding up and braking
    has_equipment: bool  # False: the working-equipment input never comes on (bus, dump truck)
    equipment_on_when_stopped: bool  # a blade stays down at a red light; a spreader disc stops
    stretch_m: tuple[float, float]  # length of a stretch driven at one steady speed
    light_stop_probability: float  # chance that a stretch ends in a stop (light, give way, load)
    light_stop_s: tuple[float, float]
    deadhead_probability: float  # chance that a working stretch is driven with the tool raised
    turnaround_s: tuple[float, float]  # standing at either end: U-turn, or terminus layover
    stop_spacing_m: float | None = None  # buses: stops evenly spread, about this far apart
    dwell_s: tuple[float, float] = (0.0, 0.0)  # standing time at such a stop

    def __post_init__(self) -> None:
        for name in ("work_kmh", "deadhead_kmh", "stretch_m", "light_stop_s", "turnaround_s",
                     "dwell_s"):
            low, high = getattr(self, name)
            if not 0 <= low <= high:
                raise ValueError(f"{name} must be a band 0 <= low <= high, got {(low, high)}")
        if self.work_kmh[0] <= 0 or self.deadhead_kmh[0] <= 0:
            raise ValueError("steady speeds must be positive")
        if self.stretch_m[0] <= 0:
            raise ValueError("stretch_m must be positive")
        if self.accel_ms2 <= 0:
            raise ValueError("accel_ms2 must be positive")
        for name in ("light_stop_probability", "deadhead_probability"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be within 0..1")
        if self.stop_spacing_m is not None and self.stop_spacing_m <= 0:
            raise ValueError("stop_spacing_m must be positive")

    @property
    def max_kmh(self) -> float:
        """The highest speed this profile ever reports."""
        return max(self.work_kmh[1], self.deadhead_kmh[1])


#: Per vehicle kind (the kinds of the vehicles table). Working bands follow municipal practice:
#: ploughs 15-30 km/h, spreaders up to about 35-40, graders and sweepers slower, loaders crawl
#: along a windrow; buses 20-45 km/h with a stop every ~450 m.
PROFILES: Final[Mapping[str, SpeedProfile]] = MappingProxyType({
    "plow": SpeedProfile(
        work_kmh=(15.0, 30.0), deadhead_kmh=(25.0, 40.0), accel_ms2=0.5, has_equipment=True,
        equipment_on_when_stopped=True, stretch_m=(200.0, 700.0), light_stop_probability=0.15,
        light_stop_s=(8.0, 45.0), deadhead_probability=0.08, turnaround_s=(40.0, 120.0)),
    "grader": SpeedProfile(
        work_kmh=(8.0, 20.0), deadhead_kmh=(15.0, 30.0), accel_ms2=0.35, has_equipment=True,
        equipment_on_when_stopped=True, stretch_m=(150.0, 500.0), light_stop_probability=0.15,
        light_stop_s=(8.0, 45.0), deadhead_probability=0.05, turnaround_s=(60.0, 180.0)),
    "sander": SpeedProfile(
        work_kmh=(20.0, 35.0), deadhead_kmh=(30.0, 45.0), accel_ms2=0.5, has_equipment=True,
        equipment_on_when_stopped=False, stretch_m=(250.0, 800.0), light_stop_probability=0.15,
        light_stop_s=(8.0, 45.0), deadhead_probability=0.12, turnaround_s=(40.0, 120.0)),
    "loader": SpeedProfile(
        work_kmh=(5.0, 15.0), deadhead_kmh=(10.0, 25.0), accel_ms2=0.4, has_equipment=True,
        equipment_on_when_stopped=True, stretch_m=(60.0, 250.0), light_stop_probability=0.35,
        light_stop_s=(30.0, 180.0), deadhead_probability=0.1, turnaround_s=(30.0, 90.0)),
    "dump_truck": SpeedProfile(
        work_kmh=(20.0, 40.0), deadhead_kmh=(30.0, 50.0), accel_ms2=0.5, has_equipment=False,
        equipment_on_when_stopped=False, stretch_m=(250.0, 900.0), light_stop_probability=0.2,
        light_stop_s=(10.0, 90.0), deadhead_probability=0.0, turnaround_s=(60.0, 240.0)),
    "sweeper": SpeedProfile(
        work_kmh=(8.0, 15.0), deadhead_kmh=(20.0, 35.0), accel_ms2=0.4, has_equipment=True,
        equipment_on_when_stopped=False, stretch_m=(150.0, 500.0), light_stop_probability=0.15,
        light_stop_s=(8.0, 45.0), deadhead_probability=0.1, turnaround_s=(30.0, 90.0)),
    "bus": SpeedProfile(
        work_kmh=(20.0, 45.0), deadhead_kmh=(20.0, 45.0), accel_ms2=0.8, has_equipment=False,
        equipment_on_when_stopped=False, stretch_m=(150.0, 450.0), light_stop_probability=0.12,
        light_stop_s=(8.0, 40.0), deadhead_probability=0.0, turnaround_s=(180.0, 480.0),
        stop_spacing_m=450.0, dwell_s=(15.0, 45.0)),
})


def profile_for(kind: str) -> SpeedProfile:
    """The speed profile of a vehicle kind; unknown kinds ("other") drive like a plough."""
    return PROFILES.get(kind, PROFILES["plow"])
