"""Storm alerts grouped per route and kind, on a clock built stretch by stretch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dispatch.storm_alerts import storm_alerts
from dispatch.storm_clock import ClockState, StormClock, StretchClock
from dispatch.storms import Storm

NOW = datetime(2026, 1, 14, 2, 0, tzinfo=UTC)
DUE = NOW + timedelta(minutes=30)
STORM = Storm(id=9, name="Метель", started_at=NOW - timedelta(hours=4),
              snowfall_ended_at=NOW - timedelta(hours=3, minutes=30))


def stretch(route_id: int, m_from: float, m_to: float, state: ClockState, *,
            expected_min: float | None = None) -> StretchClock:
    return StretchClock(
        route_id=route_id, route=f"ул. {route_id}", contractor=None, priority=1, index=0,
        m_from=m_from, m_to=m_to, coverage_state="not_served", norm_h=4.0,
        deadline=DUE if state != "breached" else NOW - timedelta(minutes=5), cleared_at=None,
        time_left_s=None, state=state,
        expected_at=None if expected_min is None else NOW + timedelta(minutes=expected_min),
        forecast_breach=True, finishing_vehicle=None, crew=(),
        coordinates=((137.0, 50.5), (137.01, 50.5), (137.02, 50.5)))


def test_stretches_of_a_route_make_one_alert_with_the_latest_expected_time() -> None:
    """Three at-risk stretches of one route (1.5 km): one alert, expected at the latest of
    them; two breached stretches of another route come first, as the clock orders them."""
    clock = StormClock(storm=STORM, generated_at=NOW, crews={}, stretches=(
        stretch(2, 0.0, 200.0, "breached"), stretch(2, 500.0, 600.0, "breached"),
        stretch(1, 0.0, 500.0, "at_risk", expected_min=40.0),
        stretch(1, 500.0, 1000.0, "at_risk", expected_min=55.0),
        stretch(1, 1000.0, 1500.0, "at_risk", expected_min=35.0),
        stretch(3, 0.0, 100.0, "on_track", expected_min=10.0)))
    alerts = storm_alerts(clock, ZoneInfo("Asia/Vladivostok"))
    assert [(a.kind, a.route_id, a.stretches, a.length_m) for a in alerts] == [
        ("norm_breached", 2, ((0.0, 200.0), (500.0, 600.0)), 300.0),
        ("breach_forecast", 1, ((0.0, 500.0), (500.0, 1000.0), (1000.0, 1500.0)), 1500.0)]
    assert alerts[0].text == ("ул. 2: 2 участка, 0,3 км: норматив 4 ч нарушен, срок был "
                              "14.01.2026 11:55 (+10:00)")
    assert alerts[1].text == ("ул. 1: 3 участка, 1,5 км: ожидается к 14.01.2026 12:55 "
                              "(+10:00), срок 14.01.2026 12:30 (+10:00)")
    assert alerts[1].expected_at == NOW + timedelta(minutes=55)
    assert (alerts[1].lon, alerts[1].lat) == (137.01, 50.5)


def test_russian_counts_of_stretches() -> None:
    """1 участок, 2-4 участка, 5-20 участков, 21 участок, 11-14 участков."""
    zone = ZoneInfo("Asia/Vladivostok")
    words = {}
    for n in (1, 2, 4, 5, 11, 12, 14, 21, 22, 25):
        clock = StormClock(storm=STORM, generated_at=NOW, crews={}, stretches=tuple(
            stretch(1, 10.0 * i, 10.0 * i + 10.0, "breached") for i in range(n)))
        words[n] = storm_alerts(clock, zone)[0].text.split(", ")[0].removeprefix("ул. 1: ")
    assert words == {1: "1 участок", 2: "2 участка", 4: "4 участка", 5: "5 участков",
                     11: "11 участков", 12: "12 участков", 14: "14 участков",
                     21: "21 участок", 22: "22 участка", 25: "25 участков"}
