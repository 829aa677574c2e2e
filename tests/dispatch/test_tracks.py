"""Tracks from fixes: sorted by fix time and broken wherever the data has a gap."""

from __future__ import annotations

from datetime import timedelta

from dispatch.tracks import TrackFix, split_at_gaps
from tests.dispatch.synthetic import T0


def fix(t_s: float) -> TrackFix:
    return TrackFix(fix_time=T0 + timedelta(seconds=t_s), latitude=50.55, longitude=137.0,
                    speed_kmh=20.0, course_deg=90.0, valid=True)


def seconds(segments: list[list[TrackFix]]) -> list[list[float]]:
    return [[(f.fix_time - T0).total_seconds() for f in segment] for segment in segments]


def test_fixes_are_sorted_and_cut_only_where_the_gap_is_longer_than_allowed() -> None:
    """A gap of exactly the limit is still one track; a second more is a break."""
    fixes = [fix(t) for t in (70, 0, 10, 131, 40, 71)]
    assert seconds(split_at_gaps(fixes, 30.0)) == [[0, 10, 40, 70, 71], [131]]
    assert seconds(split_at_gaps(fixes, 60.0)) == [[0, 10, 40, 70, 71, 131]]


def test_every_gap_starts_a_new_segment() -> None:
    assert seconds(split_at_gaps([fix(t) for t in (0, 100, 200, 205)], 10.0)) == [
        [0], [100], [200, 205]]


def test_fixes_at_the_same_time_stay_together_in_their_order() -> None:
    first, second = fix(5), fix(5)
    (segment,) = split_at_gaps([first, second], 0.0)
    assert segment[0] is first and segment[1] is second


def test_no_fixes_is_no_track() -> None:
    assert split_at_gaps([], 60.0) == []
