"""The speed profiles of the simulated fleet: one per vehicle kind, and bands that make sense."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dispatch.registry_input import VEHICLE_KINDS
from dispatch.speed_profiles import PROFILES, SpeedProfile, profile_for

PLOUGH = PROFILES["plow"]


def test_every_vehicle_kind_but_other_has_its_own_profile() -> None:
    """The kinds a vehicle may be registered as, less "other", are exactly the table's keys."""
    assert set(PROFILES) == set(VEHICLE_KINDS) - {"other"}


def test_plough_speeds_match_municipal_practice() -> None:
    """Ploughs work at 15-30 km/h and buses run at 20-45 km/h with stops."""
    assert PROFILES["plow"].work_kmh == (15.0, 30.0)
    assert PROFILES["bus"].work_kmh == (20.0, 45.0) and PROFILES["bus"].stop_spacing_m


def test_only_tools_report_equipment() -> None:
    """Buses and dump trucks have no working input; the machines that clear the road do."""
    without = {kind for kind, profile in PROFILES.items() if not profile.has_equipment}
    assert without == {"bus", "dump_truck"}


def test_unknown_kinds_drive_like_a_plough() -> None:
    """A vehicle of kind "other" gets the plough profile rather than an error."""
    assert profile_for("other") is PROFILES["plow"]
    assert profile_for("bus") is PROFILES["bus"]


def test_the_top_speed_is_the_higher_of_working_and_deadheading() -> None:
    assert PLOUGH.max_kmh == 40.0
    assert replace(PLOUGH, work_kmh=(15.0, 55.0)).max_kmh == 55.0


def test_profiles_reject_nonsense_bands() -> None:
    """A profile with an inverted speed band is a programming error caught at once."""
    with pytest.raises(ValueError):
        SpeedProfile(work_kmh=(30.0, 15.0), deadhead_kmh=(20.0, 30.0), accel_ms2=0.5,
                     has_equipment=True, equipment_on_when_stopped=True,
                     stretch_m=(100.0, 200.0), light_stop_probability=0.1,
                     light_stop_s=(5.0, 10.0), deadhead_probability=0.1,
                     turnaround_s=(10.0, 20.0))


@pytest.mark.parametrize(("change", "message"), [
    ({"dwell_s": (-1.0, 5.0)}, "dwell_s must be a band"),
    ({"turnaround_s": (20.0, 10.0)}, "turnaround_s must be a band"),
    ({"deadhead_kmh": (0.0, 30.0)}, "steady speeds must be positive"),
    ({"stretch_m": (0.0, 100.0)}, "stretch_m must be positive"),
    ({"accel_ms2": 0.0}, "accel_ms2 must be positive"),
    ({"light_stop_probability": 1.01}, "light_stop_probability must be within 0..1"),
    ({"deadhead_probability": -0.01}, "deadhead_probability must be within 0..1"),
    ({"stop_spacing_m": 0.0}, "stop_spacing_m must be positive"),
])
def test_each_impossible_setting_is_refused_by_name(change: dict[str, object],
                                                    message: str) -> None:
    with pytest.raises(ValueError, match=message):
        replace(PLOUGH, **change)  # type: ignore[arg-type]


def test_boundary_settings_are_allowed() -> None:
    """Certain events (probability 1) and a band of one value are valid profiles."""
    edge = replace(PLOUGH, light_stop_probability=1.0, deadhead_probability=0.0,
                   work_kmh=(20.0, 20.0), stop_spacing_m=450.0)
    assert (edge.light_stop_probability, edge.work_kmh) == (1.0, (20.0, 20.0))
