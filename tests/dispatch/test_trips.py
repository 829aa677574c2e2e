"""Stops, trips and silences of a track, as the playback page lists them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dispatch.tracks import TrackFix
from dispatch.trips import Leg, split_stops_and_trips

T0 = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
# 0.001 degrees of longitude at latitude 50.55 is about 70.9 m on the WGS-84 ellipsoid.
STEP_M = 70.87


def fix(s: float, speed: float, east_steps: int = 0) -> TrackFix:
    return TrackFix(T0 + timedelta(seconds=s), 50.55, 137.0 + east_steps * 0.001, speed, 90.0,
                    True)


def kinds(legs: list[Leg]) -> list[tuple[str, float]]:
    return [(leg.kind, leg.duration_s) for leg in legs]


def test_drive_stop_drive_gives_trip_stop_trip_sharing_their_boundaries() -> None:
    """Standing ten minutes between two drives is a stop from the first standing fix to the
    first moving one."""
    fixes = [fix(0, 30, 0), fix(60, 30, 1), fix(120, 0, 2), fix(300, 0, 2), fix(540, 0, 2),
             fix(720, 0, 2), fix(780, 25, 3), fix(840, 25, 4)]
    legs = split_stops_and_trips(fixes)
    assert kinds(legs) == [("trip", 120), ("stop", 660), ("trip", 60)]
    assert legs[0].start == T0 and legs[1].start == T0 + timedelta(seconds=120)
    assert legs[0].distance_m == pytest.approx(2 * STEP_M, abs=0.1)
    assert legs[1].distance_m == 0.0
    assert legs[0].max_speed_kmh == 30 and legs[2].max_speed_kmh == 25


def test_a_red_light_stays_inside_the_trip() -> None:
    """A one-minute halt is shorter than a stop, so the drive is one trip."""
    fixes = [fix(0, 30, 0), fix(30, 0, 1), fix(90, 0, 1), fix(120, 30, 2), fix(150, 30, 3)]
    legs = split_stops_and_trips(fixes)
    assert kinds(legs) == [("trip", 150)]
    assert legs[0].distance_m == pytest.approx(3 * STEP_M, abs=0.1)


def test_a_gap_in_the_data_is_a_silence_between_legs() -> None:
    """Twenty minutes without fixes is neither a stop nor a trip."""
    fixes = [fix(0, 30, 0), fix(60, 30, 1), fix(1260, 20, 5), fix(1320, 20, 6)]
    legs = split_stops_and_trips(fixes, max_gap_s=300)
    assert kinds(legs) == [("trip", 60), ("silence", 1200), ("trip", 60)]
    assert legs[1].distance_m == 0.0


def test_standing_at_the_end_is_a_stop_and_a_lone_fix_is_its_own_leg() -> None:
    fixes = [fix(0, 20, 0), fix(60, 0, 1), fix(400, 0, 1), fix(2000, 0, 1)]
    legs = split_stops_and_trips(fixes, max_gap_s=900)
    assert kinds(legs) == [("trip", 60), ("stop", 340), ("silence", 1600), ("stop", 0)]


def test_no_fixes_no_legs_and_order_does_not_matter() -> None:
    assert split_stops_and_trips([]) == []
    fixes = [fix(0, 30, 0), fix(60, 0, 1), fix(400, 0, 1)]
    assert split_stops_and_trips(list(reversed(fixes))) == split_stops_and_trips(fixes)
