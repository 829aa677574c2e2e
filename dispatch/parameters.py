"""Every number the coverage verdict depends on, in one frozen value stored with each result.

A contractor disputing a "not served" needs to see exactly which thresholds produced it, and an
auditor must be able to recompute it a year later and get the same answer. So nothing in the
engine has a hidden constant: it all comes from here, and ``to_dict`` goes out with the result.
``from_dict`` reads it back (unknown keys are refused, so a typo cannot pass silently).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["ENGINE_VERSION", "CleaningParams", "CoverageParams"]

#: Bumped whenever the crediting rules change meaning, so old results say what made them.
ENGINE_VERSION: Final = "coverage/1"


@dataclass(frozen=True, slots=True)
class CleaningParams:
    """Which fixes are flagged as untrustworthy (they are kept, never deleted)."""

    max_implied_speed_kmh: float = 150.0  # a jump faster than this between fixes is a glitch
    max_hdop: float = 5.0  # worse HDOP (when reported) is not trusted
    min_satellites: int = 4  # fewer satellites (when reported) is not trusted
    jitter_speed_kmh: float = 3.0  # reported speed below this and ...
    jitter_radius_m: float = 15.0  # ... a hop shorter than this is a parked vehicle's jitter


@dataclass(frozen=True, slots=True)
class CoverageParams:
    """Crediting rules (research/domain.md §2.3) and the verdict thresholds (§2.4)."""

    max_pair_gap_s: float = 60.0  # consecutive fixes further apart in time are a data gap
    max_pair_step_m: float = 150.0  # ... or further apart in space
    bin_m: float = 20.0  # target bin length; each route gets an integer number of equal bins
    min_progress_ratio: float = 0.5  # along-route progress / movement; crossings score ~0
    heading_tolerance_deg: float = 45.0  # movement vs the route's direction (either way)
    min_run_m: float = 30.0  # a pass must progress this far along the route to count
    end_extension_m: float = 50.0  # the route's axis continues this far past its ends
    speed_bands_kmh: Mapping[str, tuple[float, float]] = field(default_factory=lambda: {
        "plough": (5.0, 45.0),  # ОДМ 218.5.001-2008: effective ploughing up to 45 km/h
        "spread": (5.0, 40.0),  # spreading is least even above ~40 km/h
        "sweep": (3.0, 25.0),  # brushes work at walking-to-slow-traffic speed
    })
    evidence_runs: int = 12  # passes listed per stretch (the earliest ones and the last)
    served_fraction: float = 0.9  # a route (segment) counts as serviced at this share of bins
    cleaning: CleaningParams = field(default_factory=CleaningParams)

    def __post_init__(self) -> None:
        positive = ("max_pair_gap_s", "max_pair_step_m", "bin_m", "heading_tolerance_deg")
        for name in positive:
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        if not 0 <= self.min_progress_ratio <= 1:
            raise ValueError("min_progress_ratio must be in 0..1")
        if not 0 < self.served_fraction <= 1:
            raise ValueError("served_fraction must be in (0, 1]")
        for treatment, (low, high) in self.speed_bands_kmh.items():
            if not 0 <= low < high:
                raise ValueError(f"speed_bands_kmh.{treatment} must be low < high")

    def speed_band(self, treatment: str) -> tuple[float, float]:
        return self.speed_bands_kmh.get(treatment, (5.0, 45.0))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values, engine version included."""
        out = dataclasses.asdict(self)
        out["speed_bands_kmh"] = {k: list(v) for k, v in sorted(self.speed_bands_kmh.items())}
        out["engine"] = ENGINE_VERSION
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> CoverageParams:
        """The parameters a stored result was computed with (the inverse of ``to_dict``)."""
        values = {k: v for k, v in raw.items() if k != "engine"}
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown coverage parameter {unknown[0]!r}")
        if "speed_bands_kmh" in values:
            values["speed_bands_kmh"] = {k: (float(v[0]), float(v[1]))
                                         for k, v in values["speed_bands_kmh"].items()}
        if "cleaning" in values:
            values["cleaning"] = CleaningParams(**values["cleaning"])
        return cls(**values)
