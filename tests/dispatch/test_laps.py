"""Laps as legs of constant acceleration: each leg's kinematics, and runs that always close."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.laps import KMH_PER_MS, LapBuilder, Leg
from dispatch.speed_profiles import PROFILES

PLOUGH = PROFILES["plow"]


def test_a_braking_leg_covers_its_length_and_stops() -> None:
    """From 10 m/s at -1 m/s^2: 50 m in 10 s; half-way in time is 37.5 m, at 7.5 m/s."""
    leg = Leg(t0=0.0, duration=10.0, d0=0.0, length=50.0, v0=10.0, accel=-1.0, forward=True,
              equipment=True)
    assert leg.distance_at(5.0) == 37.5 and leg.speed_at(5.0) == 5.0
    assert leg.distance_at(10.0) == 50.0 and leg.speed_at(10.0) == 0.0
    assert leg.speed_at(30.0) == 0.0  # a stopped vehicle does not reverse
    assert leg.distance_at(-1.0) == 0.0
    assert leg.time_to(37.5) == pytest.approx(5.0) and leg.time_to(50.0) == pytest.approx(10.0)


def test_time_to_inverts_distance_at_and_stays_in_the_leg() -> None:
    leg = Leg(t0=3.0, duration=8.0, d0=100.0, length=48.0, v0=2.0, accel=1.0, forward=False,
              equipment=False)
    for tau in (0.0, 1.0, 4.5, 8.0):
        assert leg.time_to(leg.distance_at(tau)) == pytest.approx(tau)
    assert leg.time_to(0.0) == 0.0 and leg.time_to(-5.0) == 0.0
    assert leg.time_to(1000.0) == 8.0


def test_a_cruising_leg_moves_at_its_speed() -> None:
    leg = Leg(t0=0.0, duration=20.0, d0=0.0, length=200.0, v0=10.0, accel=0.0, forward=True,
              equipment=True)
    assert (leg.distance_at(7.0), leg.speed_at(7.0), leg.time_to(70.0)) == (70.0, 10.0, 7.0)


def test_ramp_cruise_and_stand_append_consistent_legs() -> None:
    """Up to 10 m/s at 0.5 m/s^2 (20 s, 100 m), 50 m at it (5 s), down (20 s, 100 m), stand."""
    builder = LapBuilder(PLOUGH, random.Random(1))
    builder.ramp(10.0, True, True)
    builder.cruise(50.0, True, True)
    builder.ramp(0.0, True, False)
    builder.stand(30.0, False, False)
    builder.ramp(0.0, False, False)  # already standing: no leg
    builder.cruise(10.0, False, False)  # standing: cannot cruise
    assert [(leg.t0, leg.duration, leg.d0, leg.length, leg.v0, leg.accel, leg.forward,
             leg.equipment) for leg in builder.legs] == [
        (0.0, 20.0, 0.0, 100.0, 0.0, 0.5, True, True),
        (20.0, 5.0, 100.0, 50.0, 10.0, 0.0, True, True),
        (25.0, 20.0, 150.0, 100.0, 10.0, -0.5, True, False),
        (45.0, 30.0, 250.0, 0.0, 0.0, 0.0, False, False)]
    assert (builder.t, builder.d, builder.v) == (75.0, 250.0, 0.0)


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), distance=st.floats(0.5, 3000.0),
       kind=st.sampled_from(sorted(PROFILES)), working=st.booleans())
def test_a_run_closes_exactly_at_a_standstill_within_the_profile(
        seed: int, distance: float, kind: str, working: bool) -> None:
    """Whatever the draw: the legs join end to end, cover the distance, stop at its end,
    never exceed the profile's top speed, and the tool is never on for a kind without one."""
    profile = PROFILES[kind]
    builder = LapBuilder(profile, random.Random(seed))
    builder.run(distance, True, working)
    legs = builder.legs
    assert legs and builder.v == 0.0
    assert builder.d == pytest.approx(distance, rel=1e-9, abs=1e-6)
    assert legs[-1].speed_at(legs[-1].duration) == pytest.approx(0.0, abs=1e-6)
    for before, after in zip(legs, legs[1:], strict=False):
        assert after.t0 == pytest.approx(before.t0 + before.duration)
        assert after.d0 == pytest.approx(before.d0 + before.length)
        assert after.v0 == pytest.approx(max(0.0, before.v0 + before.accel * before.duration),
                                         abs=1e-9)
    for leg in legs:
        assert leg.distance_at(leg.duration) == pytest.approx(leg.length, rel=1e-6, abs=1e-6)
        top = max(leg.v0, leg.speed_at(leg.duration)) * KMH_PER_MS
        assert top <= profile.max_kmh + 1e-6
        assert not (leg.equipment and (not working or not profile.has_equipment))


def test_the_same_seed_builds_the_same_run() -> None:
    def legs(seed: int) -> list[Leg]:
        builder = LapBuilder(PLOUGH, random.Random(seed))
        builder.run(2000.0, True, True)
        return builder.legs

    assert legs(5) == legs(5) and legs(5) != legs(6)
    assert math.isclose(sum(leg.length for leg in legs(5)), 2000.0)
