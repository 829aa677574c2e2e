"""The storm clock as a source of the alert job: one condition per route and kind."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from dispatch.alerts import KIND_LABELS, FleetSnapshot, detect
from dispatch.fixes import FixArrays
from dispatch.storm_alerts import ALERT_KINDS
from dispatch.storm_clock import StormClock
from maps.storm_room import StormClockAlerts, StormGauges
from tests.dispatch.test_storm_alerts import DUE, NOW, STORM, stretch

SNAPSHOT = FleetSnapshot(now=NOW, fixes=FixArrays.empty(), vehicles={}, routes=[], storms=[],
                         last_fixes={})


def test_routes_at_risk_and_breached_become_conditions_about_the_route() -> None:
    """A breached route's condition holds since its deadline, a foreseen breach since the
    clock that saw it; the details carry the sentence /events shows."""
    gauges = StormGauges()
    gauges.latest = StormClock(storm=STORM, generated_at=NOW, crews={}, stretches=(
        stretch(2, 0.0, 200.0, "breached"), stretch(1, 0.0, 500.0, "at_risk", expected_min=40)))
    source = StormClockAlerts(gauges, ZoneInfo("Asia/Vladivostok"))
    conditions = detect([source], SNAPSHOT)
    assert [(c.kind, c.route_id, c.vehicle_id, c.since) for c in conditions] == [
        ("breach_forecast", 1, None, NOW.timestamp()),
        ("norm_breached", 2, None, (NOW - timedelta(minutes=5)).timestamp())]
    forecast = conditions[0].details
    assert forecast["text"] == ("ул. 1: 1 участок, 0,5 км: ожидается к 14.01.2026 12:40 "
                                "(+10:00), срок 14.01.2026 12:30 (+10:00)")
    assert (forecast["storm"], forecast["stretches"], forecast["deadline"]) == (
        "Метель", [[0.0, 500.0]], DUE.isoformat())
    assert all(kind in KIND_LABELS for kind in ALERT_KINDS)


def test_before_any_clock_there_is_nothing_to_say() -> None:
    assert StormClockAlerts(StormGauges(), ZoneInfo("Asia/Vladivostok")).conditions(
        SNAPSHOT) == []
