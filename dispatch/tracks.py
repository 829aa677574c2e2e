"""Tracks from fixes: ordered by fix time and split where the data has gaps.

A gap is drawn as a break, never as a straight line across it: what happened in between is
unknown, and a map or a coverage check must not pretend otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TrackFix:
    """One stored fix as the read side sees it."""

    fix_time: datetime
    latitude: float
    longitude: float
    speed_kmh: float
    course_deg: float
    valid: bool
    inputs: int | None = None
    black_box: bool = False
    satellites: int | None = None
    hdop: float | None = None
    received_at: datetime | None = None


def split_at_gaps(fixes: Sequence[TrackFix], max_gap_s: float) -> list[list[TrackFix]]:
    """Sort by fix time and cut wherever two consecutive fixes are more than max_gap_s apart."""
    ordered = sorted(fixes, key=lambda f: f.fix_time)
    segments: list[list[TrackFix]] = []
    for fix in ordered:
        if segments and (fix.fix_time - segments[-1][-1].fix_time).total_seconds() <= max_gap_s:
            segments[-1].append(fix)
        else:
            segments.append([fix])
    return segments
