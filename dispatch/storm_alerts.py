"""The storm clock as alerts: a breach foreseen before the norm passes, and a norm missed.

An alert source for the dispatcher's event feed: given the clock, it returns one alert per
stretch at risk or breached, each with a key that stays the same while the condition lasts
(so a feed can tell a new alert from one it has shown), a Russian text and a place on the map.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Final, Literal

from dispatch.local_time import local_text
from dispatch.storm_clock import StormClock, StretchClock

__all__ = ["ALERT_KINDS", "StormAlert", "storm_alerts"]

AlertKind = Literal["breach_forecast", "norm_breached"]
ALERT_KINDS: Final[tuple[AlertKind, ...]] = ("breach_forecast", "norm_breached")


@dataclass(frozen=True, slots=True)
class StormAlert:
    kind: AlertKind
    key: str  # the same for the same stretch and condition, clock after clock
    raised_at: datetime  # when the clock that found it was made
    storm_id: int | None
    route_id: int | None
    m_from: float
    m_to: float
    deadline: datetime | None
    expected_at: datetime | None
    text: str
    lon: float
    lat: float


def storm_alerts(clock: StormClock, zone: tzinfo) -> list[StormAlert]:
    """Alerts for every stretch at risk (breach foreseen) or breached, most urgent first."""
    out = []
    for s in clock.stretches:
        if s.state == "at_risk":
            out.append(_alert(clock, s, "breach_forecast", _foreseen(s, zone)))
        elif s.state == "breached":
            out.append(_alert(clock, s, "norm_breached",
                              f"{_where(s)}: норматив {s.norm_h:g} ч нарушен, срок был "
                              f"{local_text(s.deadline, zone)}"))
    return out


def _where(s: StretchClock) -> str:
    return f"{s.route}, {s.m_from:.0f}–{s.m_to:.0f} м"


def _foreseen(s: StretchClock, zone: tzinfo) -> str:
    due = f"срок {local_text(s.deadline, zone)}"
    if s.expected_at is None:
        return f"{_where(s)}: маршрут никто не убирает, {due}"
    return f"{_where(s)}: ожидается к {local_text(s.expected_at, zone)}, {due}"


def _alert(clock: StormClock, s: StretchClock, kind: AlertKind, text: str) -> StormAlert:
    lon, lat = s.coordinates[len(s.coordinates) // 2]
    return StormAlert(kind=kind, key=f"storm:{clock.storm.id}:route:{s.route_id}:"
                                      f"{s.m_from:.0f}-{s.m_to:.0f}:{kind}",
                      raised_at=clock.generated_at, storm_id=clock.storm.id,
                      route_id=s.route_id, m_from=s.m_from, m_to=s.m_to, deadline=s.deadline,
                      expected_at=s.expected_at, text=text, lon=lon, lat=lat)
