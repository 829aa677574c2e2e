"""The storm clock as alerts: a breach foreseen before the norm passes, and a norm missed.

An alert source for the dispatcher's event feed: given the clock, one alert per route and kind
(a feed keeps one open alert per route and kind while it holds), naming the route's stretches
at risk or breached, their length, the earliest deadline among them and, for a foreseen breach,
the latest expected clearing time; a Russian text and the place of its most urgent stretch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Final, Literal

from dispatch.local_time import local_text
from dispatch.sheets import decimal
from dispatch.storm_clock import StormClock, StretchClock

__all__ = ["ALERT_KINDS", "StormAlert", "storm_alerts"]

AlertKind = Literal["breach_forecast", "norm_breached"]
#: Named for people in ``dispatch.alerts.KIND_LABELS``.
ALERT_KINDS: Final[tuple[AlertKind, ...]] = ("breach_forecast", "norm_breached")
_STATE_OF: Final[dict[AlertKind, str]] = {"breach_forecast": "at_risk",
                                          "norm_breached": "breached"}


@dataclass(frozen=True, slots=True)
class StormAlert:
    kind: AlertKind
    key: str  # storm, route and kind: the same clock after clock while the condition holds
    raised_at: datetime  # when the clock that found it was made
    storm_id: int | None
    route_id: int | None
    route: str
    stretches: tuple[tuple[float, float], ...]  # (m_from, m_to), most urgent first
    length_m: float
    deadline: datetime | None  # the earliest among the stretches
    expected_at: datetime | None  # the latest expected clearing (None: nobody works it)
    text: str
    lon: float
    lat: float


def storm_alerts(clock: StormClock, zone: tzinfo) -> list[StormAlert]:
    """Per route, one alert for its stretches at risk and one for those breached; routes in
    the clock's order (most urgent first)."""
    out = []
    for kind, state in _STATE_OF.items():
        by_route: dict[int | None, list[StretchClock]] = {}
        for s in clock.stretches:
            if s.state == state:
                by_route.setdefault(s.route_id, []).append(s)
        out += [_alert(clock, kind, stretches, zone) for stretches in by_route.values()]
    order = {s.route_id: i for i, s in reversed(list(enumerate(clock.stretches)))}
    return sorted(out, key=lambda a: (order[a.route_id], a.kind != "norm_breached"))


def _alert(clock: StormClock, kind: AlertKind, stretches: list[StretchClock],
           zone: tzinfo) -> StormAlert:
    first = stretches[0]
    length = sum(s.length_m for s in stretches)
    deadline = min((s.deadline for s in stretches if s.deadline is not None), default=None)
    expected = (None if any(s.expected_at is None for s in stretches)
                else max(s.expected_at for s in stretches if s.expected_at is not None))
    where = f"{first.route}: {_count(len(stretches))}, {decimal(length / 1000, 1)} км"
    due = local_text(deadline, zone)
    if kind == "norm_breached":
        text = f"{where}: норматив {decimal(first.norm_h)} ч нарушен, срок был {due}"
    elif expected is None:
        text = f"{where}: маршрут никто не убирает, срок {due}"
    else:
        text = f"{where}: ожидается к {local_text(expected, zone)}, срок {due}"
    lon, lat = first.coordinates[len(first.coordinates) // 2]
    return StormAlert(kind=kind, key=f"storm:{clock.storm.id}:route:{first.route_id}:{kind}",
                      raised_at=clock.generated_at, storm_id=clock.storm.id,
                      route_id=first.route_id, route=first.route,
                      stretches=tuple((s.m_from, s.m_to) for s in stretches),
                      length_m=round(length, 1), deadline=deadline, expected_at=expected,
                      text=text, lon=lon, lat=lat)


def _count(n: int) -> str:
    """``1 участок``, ``2 участка``, ``5 участков``."""
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} участок"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} участка"
    return f"{n} участков"
