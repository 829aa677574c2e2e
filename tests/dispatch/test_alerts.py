"""The alert framework: what a condition is about, how sources' findings are merged, how far
back a snapshot must reach, and the event thresholds the sources are given."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from dispatch.alerts import AlertParams, Condition, FleetSnapshot, detect, lookback_s
from dispatch.events import EventParams
from dispatch.fixes import FixArrays
from tests.dispatch.synthetic import T0


@dataclass(frozen=True)
class Reporting:
    """A source that finds exactly ``found`` whatever the snapshot."""

    found: tuple[Condition, ...]
    lookback_s: float = 0.0
    kinds: tuple[str, ...] = ()

    def conditions(self, snapshot: FleetSnapshot) -> list[Condition]:
        return list(self.found)


SNAPSHOT = FleetSnapshot(now=T0, fixes=FixArrays.empty(), vehicles={}, routes=[], storms=(),
                         last_fixes={})


def test_a_condition_is_about_a_vehicle_a_route_or_both() -> None:
    """Keyed as the database keys open alerts; one without a subject is refused."""
    assert Condition("k", 7, 0.0, None, None).subject == (7, 0, "k")
    assert Condition("k", None, 0.0, None, None, route_id=3).subject == (0, 3, "k")
    assert Condition("k", 7, 0.0, None, None, route_id=3).subject == (7, 3, "k")
    with pytest.raises(ValueError, match="a vehicle, a route or both"):
        Condition("k", None, 0.0, None, None)


def test_detect_orders_by_vehicle_route_and_kind_and_keeps_the_first_source_s_finding() -> None:
    """A later source's finding on the same subject is dropped, even when it says more."""
    first = Reporting((Condition("b", 8, 1.0, None, None),
                       Condition("a", None, 2.0, None, None, route_id=4),
                       Condition("b", 7, 3.0, None, None, {"from": "first"})))
    second = Reporting((Condition("b", 7, 9.0, None, None, {"from": "second"}),
                        Condition("a", 7, 4.0, None, None),
                        Condition("a", 7, 5.0, None, None, route_id=2)))
    found = detect([first, second], SNAPSHOT)
    assert [(c.subject, c.since) for c in found] == [
        ((0, 4, "a"), 2.0), ((7, 0, "a"), 4.0), ((7, 0, "b"), 3.0), ((7, 2, "a"), 5.0),
        ((8, 0, "b"), 1.0)]
    assert found[2].details == {"from": "first"}
    assert detect([], SNAPSHOT) == []


def test_a_snapshot_reaches_back_as_far_as_the_most_demanding_source() -> None:
    sources = [Reporting((), lookback_s=600.0), Reporting((), lookback_s=7320.0),
               Reporting((), lookback_s=0.0)]
    assert lookback_s(sources) == 7320.0
    assert lookback_s([]) == 0.0


def test_event_thresholds_pass_through_and_the_window_is_the_shift() -> None:
    """Every configured threshold reaches the track events; the judged window becomes the
    shortest shift the per-vehicle checks need, in hours."""
    params = AlertParams(off_route_min_m=150.0, speeding_min_s=20.0, moving_kmh=4.0,
                         max_gap_s=90.0, idle_radius_m=50.0, never_toggled_min_km=8.0)
    assert params.event_params(1800.0) == EventParams(
        off_route_min_m=150.0, moving_kmh=4.0, speeding_min_s=20.0, shift_min_h=0.5,
        idle_radius_m=50.0, never_toggled_min_km=8.0, max_gap_s=90.0)


def test_alert_defaults_follow_the_track_event_defaults() -> None:
    """Unless configured otherwise, alerts and the events report judge by the same numbers."""
    events, alerts = EventParams(), AlertParams()
    assert (alerts.off_route_min_m, alerts.speeding_min_s, alerts.moving_kmh, alerts.max_gap_s,
            alerts.idle_radius_m, alerts.never_toggled_min_km) == (
        events.off_route_min_m, events.speeding_min_s, events.moving_kmh, events.max_gap_s,
        events.idle_radius_m, events.never_toggled_min_km)
