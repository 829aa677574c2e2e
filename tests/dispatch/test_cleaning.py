"""Track cleaning flags untrustworthy fixes (never deletes them) and orders by fix time."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import numpy as np

from dispatch.cleaning import REJECTED, CleanTrack, Flag, clean
from dispatch.equipment import OFF, ON, UNKNOWN
from dispatch.fixes import FixArrays
from dispatch.parameters import CleaningParams
from dispatch.projection import projection_for
from dispatch.tracks import TrackFix
from tests.dispatch.synthetic import T0, Drive, lonlat, plough

PARAMS = CleaningParams()


def straight(n: int = 20, **kwargs: Any) -> list[TrackFix]:
    return Drive(7, [(0.0, 0.0), (n * 35.0, 0.0)], **kwargs).fixes()


def cleaned(fixes: list[TrackFix], vehicle: int = 7) -> tuple[FixArrays, CleanTrack]:
    arrays = FixArrays.from_track_fixes([vehicle] * len(fixes), fixes)
    return arrays, clean(arrays, projection_for(), PARAMS, {7: plough(7)})


def test_fixes_are_sorted_by_vehicle_and_fix_time_not_arrival() -> None:
    """Black-box fixes that arrive last are put back in fix-time order; order maps rows back."""
    fixes = straight()
    shuffled = fixes[10:] + fixes[:10]
    arrays, track = cleaned(shuffled)
    assert np.all(np.diff(track.fixes.t) > 0)
    assert np.array_equal(arrays.t[track.order], track.fixes.t)


def test_nothing_is_deleted() -> None:
    """Every input fix is still there after cleaning, flagged or not."""
    fixes = straight()
    fixes[5] = replace(fixes[5], valid=False)
    _, track = cleaned(fixes)
    assert len(track) == len(fixes)


def test_invalid_and_zero_fixes_are_flagged() -> None:
    """A fix the terminal marked invalid, and a 0/0 fix, are flagged INVALID."""
    fixes = straight()
    fixes[3] = replace(fixes[3], valid=False)
    fixes[4] = replace(fixes[4], latitude=0.0, longitude=0.0)
    _, track = cleaned(fixes)
    flags = track.flags
    assert flags[3] & Flag.INVALID and flags[4] & Flag.INVALID
    assert not np.any(flags[[0, 1, 2, 5, 6]] & int(REJECTED))


def test_single_spike_is_flagged_as_speed_jump_and_neighbours_are_kept() -> None:
    """A fix 2 km off the track between two normal fixes is a spike; its neighbours are fine."""
    fixes = straight()
    lon, lat = lonlat(350.0, 2000.0)
    fixes[10] = replace(fixes[10], latitude=lat, longitude=lon)
    _, track = cleaned(fixes)
    flags = track.flags
    assert flags[10] & Flag.SPEED_JUMP
    assert not np.any(np.delete(flags, 10) & Flag.SPEED_JUMP)


def test_spike_at_the_start_of_a_track_is_flagged() -> None:
    """The first fix of a track far from the rest is a spike too."""
    fixes = straight()
    lon, lat = lonlat(0.0, 3000.0)
    fixes[0] = replace(fixes[0], latitude=lat, longitude=lon)
    _, track = cleaned(fixes)
    assert track.flags[0] & Flag.SPEED_JUMP
    assert not np.any(track.flags[1:] & Flag.SPEED_JUMP)


def test_poor_hdop_and_few_satellites_are_flagged_only_when_reported() -> None:
    """HDOP 9 and 3 satellites are flagged; unreported quality is not held against a fix."""
    fixes = straight()
    fixes[2] = replace(fixes[2], hdop=9.0)
    fixes[3] = replace(fixes[3], satellites=3)
    fixes[4] = replace(fixes[4], hdop=None, satellites=None)
    _, track = cleaned(fixes)
    flags = track.flags
    assert flags[2] & Flag.POOR_HDOP and flags[3] & Flag.FEW_SATELLITES
    assert flags[4] == 0


def test_parked_jitter_is_flagged_but_not_rejected() -> None:
    """A parked vehicle's wander is JITTER: no credit, yet it still proves the terminal online."""
    parked = Drive(7, [(0.0, 0.0), (1.0, 0.0)], speed_kmh=0.5, noise_m=4.0, seed=2).fixes()
    _, track = cleaned(parked)
    flags = track.flags
    assert np.count_nonzero(flags & Flag.JITTER) >= len(parked) - 1
    assert not np.any(flags & int(REJECTED))


def test_duplicate_fix_times_keep_the_first() -> None:
    """A second fix at the same time as another of the same vehicle is a DUPLICATE."""
    fixes = straight()
    fixes.append(replace(fixes[5]))
    _, track = cleaned(fixes)
    assert np.count_nonzero(track.flags & Flag.DUPLICATE) == 1


def test_equipment_state_comes_from_the_configured_input() -> None:
    """Input 1 on/off gives ON/OFF; a fix without an input mask is UNKNOWN."""
    fixes = straight(blade=lambda d: d < 200)
    fixes[0] = replace(fixes[0], inputs=None)
    _, track = cleaned(fixes)
    states = track.equipment
    assert states[0] == UNKNOWN and states[1] == ON and states[-1] == OFF


def test_two_vehicles_interleaved_are_separated() -> None:
    """Fixes of two vehicles sent interleaved are grouped per vehicle, each in time order."""
    a = straight()
    b = Drive(8, [(0.0, 100.0), (700.0, 100.0)], start=T0 + timedelta(seconds=2)).fixes()
    ids = [7, 8] * min(len(a), len(b))
    mixed = [f for pair in zip(a, b, strict=False) for f in pair]
    arrays = FixArrays.from_track_fixes(ids, mixed)
    track = clean(arrays, projection_for(), PARAMS, {7: plough(7), 8: plough(8)})
    vehicles = track.fixes.vehicle
    assert np.all(np.diff(vehicles) >= 0)
    for v in (7, 8):
        assert np.all(np.diff(track.fixes.t[vehicles == v]) > 0)


def test_fix_timed_ahead_of_its_arrival_or_before_2010_is_rejected() -> None:
    """More than 300 s ahead of arrival is FUTURE_TIME (299 s is not); before 2010 TOO_EARLY;
    an unknown arrival time is not held against a fix."""
    fixes = straight(6)
    fixes[1] = replace(fixes[1], received_at=fixes[1].fix_time - timedelta(seconds=301))
    fixes[2] = replace(fixes[2], received_at=fixes[2].fix_time - timedelta(seconds=299))
    fixes[3] = replace(fixes[3], fix_time=T0.replace(year=2009),
                       received_at=T0 + timedelta(seconds=15))
    fixes[4] = replace(fixes[4], received_at=fixes[4].fix_time + timedelta(hours=5))
    _, track = cleaned(fixes)
    by_time = {int(t): int(f) for t, f in zip(track.fixes.t, track.flags, strict=True)}
    assert by_time[int(fixes[1].fix_time.timestamp())] == Flag.FUTURE_TIME
    assert by_time[int(fixes[3].fix_time.timestamp())] == Flag.TOO_EARLY
    for clean_fix in (fixes[0], fixes[2], fixes[4], fixes[5]):
        assert by_time[int(clean_fix.fix_time.timestamp())] & int(REJECTED) == 0
    assert track.flag_counts()["FUTURE_TIME"] == 1 and track.flag_counts()["TOO_EARLY"] == 1
