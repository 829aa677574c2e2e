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
ENGINE_VERSION: Final = "coverage/2"


@dataclass(frozen=True, slots=True)
class CleaningParams:
    """Which fixes are flagged as untrustworthy (they are kept, never deleted)."""

    max_implied_speed_kmh: float = 150.0  # a jump faster than this between fixes is a glitch
    max_hdop: float = 5.0  # worse HDOP (when reported) is not trusted
    min_satellites: int = 4  # fewer satellites (when reported) is not trusted
    jitter_speed_kmh: float = 3.0  # reported speed below this and ...
    jitter_radius_m: float = 15.0  # ... a hop shorter than this is a parked vehicle's jitter
    future_tolerance_s: float = 300.0  # a fix timed further ahead of its arrival is not trusted
    earliest_fix_year: int = 2010  # a fix timed before this year (UTC) is a clock fault


@dataclass(frozen=True, slots=True)
class CoverageParams:
    """Crediting rules (research/domain.md §2.3) and the verdict thresholds (§2.4)."""

    max_pair_gap_s: float = 60.0  # consecutive fixes further apart in time are a silence
    max_pair_step_m: float = 150.0  # ... and so are fixes further apart in space than this ...
    gap_factor: float = 3.0  # ... when also this many times the terminal's usual interval apart
    bin_m: float = 20.0  # target bin length; each route gets an integer number of equal bins
    fit_window_s: float = 20.0  # movement is fitted over the fixes within this window ...
    fit_span_m: float = 60.0  # ... or within the time the reported speed needs for this far
    heading_tolerance_deg: float = 45.0  # movement (course or fit) vs the route, either way
    offset_ratio: float = 0.75  # mean offset from the axis within this share of the half-width
    offset_window_s: float = 120.0  # ... averaged over this long either side (GPS error drifts)
    offset_step_m: float = 10.0  # ... or one side only where the sides differ more (a turn)
    search_margin_m: float = 20.0  # fixes this far outside the corridor still feed the fit
    outlier_fixes: int = 2  # at most this many failing fixes in a row are bridged in a pass
    reported_speed_tolerance_kmh: float = 10.0  # reported speed trusted within this of the fit
    band_margin_kmh: float = 1.0  # the speed band is widened by this much for measurement error
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
        positive = ("max_pair_gap_s", "max_pair_step_m", "gap_factor", "bin_m", "fit_window_s",
                    "fit_span_m", "heading_tolerance_deg", "offset_ratio", "offset_window_s",
                    "offset_step_m")
        for name in positive:
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        if self.outlier_fixes < 0 or self.search_margin_m < 0:
            raise ValueError("outlier_fixes and search_margin_m must not be negative")
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
