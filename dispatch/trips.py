"""A track told as a dispatcher reads it: stops, trips and silences, in time order.

A *stop* is standing still (below ``moving_kmh``) for at least ``min_stop_s``; shorter halts (a
red light, a U-turn) become part of the trip next to them, otherwise a plough's shift would read as
hundreds of trips. A *silence* is a gap in the data longer than ``max_gap_s``: what the vehicle
did then is unknown, so it is neither a stop nor a trip. Pure: fixes in, legs out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from pyproj import Geod

from dispatch.tracks import TrackFix, split_at_gaps

__all__ = ["Leg", "LegKind", "split_stops_and_trips"]

LegKind = Literal["stop", "trip", "silence"]

_GEOD: Final = Geod(ellps="WGS84")


@dataclass(frozen=True, slots=True)
class Leg:
    """One stop, trip or silence; ``distance_m`` is along the fixes (0 for a silence)."""

    kind: LegKind
    start: datetime
    end: datetime
    distance_m: float
    max_speed_kmh: float

    @property
    def duration_s(self) -> float:
        return (self.end - self.start).total_seconds()


def _path_m(fixes: Sequence[TrackFix]) -> float:
    if len(fixes) < 2:
        return 0.0
    return float(_GEOD.line_length([f.longitude for f in fixes], [f.latitude for f in fixes]))


def _runs(segment: Sequence[TrackFix], moving_kmh: float) -> list[tuple[LegKind, list[TrackFix]]]:
    """Consecutive fixes that are all moving ("trip") or all standing ("stop")."""
    runs: list[tuple[LegKind, list[TrackFix]]] = []
    for fix in segment:
        kind: LegKind = "trip" if fix.speed_kmh >= moving_kmh else "stop"
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(fix)
        else:
            runs.append((kind, [fix]))
    return runs


def _segment_legs(segment: Sequence[TrackFix], moving_kmh: float,
                  min_stop_s: float) -> list[Leg]:
    """Stops and trips of one unbroken stretch; short halts are folded into their trip.

    A leg lasts until the next leg's first fix. A trip's path runs on to that fix (where it
    arrived); a stop's speed and distance are its own fixes' (the jitter of a parked GNSS).
    """
    runs = _runs(segment, moving_kmh)
    merged: list[tuple[LegKind, list[TrackFix]]] = []
    for i, (kind, fixes) in enumerate(runs):
        until = runs[i + 1][1][0].fix_time if i + 1 < len(runs) else fixes[-1].fix_time
        short = (until - fixes[0].fix_time).total_seconds() < min_stop_s
        if kind == "stop" and short and len(runs) > 1:
            kind = "trip"  # a halt next to driving; standing alone is a stop however short
        if merged and merged[-1][0] == kind:
            merged[-1][1].extend(fixes)
        else:
            merged.append((kind, list(fixes)))
    legs: list[Leg] = []
    for i, (kind, fixes) in enumerate(merged):
        after = merged[i + 1][1][0] if i + 1 < len(merged) else None
        path = [*fixes, after] if kind == "trip" and after is not None else fixes
        legs.append(Leg(kind, fixes[0].fix_time, fixes[-1].fix_time if after is None
                        else after.fix_time, _path_m(path), max(f.speed_kmh for f in fixes)))
    return legs


def split_stops_and_trips(fixes: Sequence[TrackFix], *, moving_kmh: float = 3.0,
                          min_stop_s: float = 180.0, max_gap_s: float = 300.0) -> list[Leg]:
    """The legs of a track in time order; consecutive legs share their boundary instant."""
    legs: list[Leg] = []
    for segment in split_at_gaps(fixes, max_gap_s):
        if legs:
            legs.append(Leg("silence", legs[-1].end, segment[0].fix_time, 0.0, 0.0))
        legs.extend(_segment_legs(segment, moving_kmh, min_stop_s))
    return legs
