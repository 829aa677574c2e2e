"""Storms in PostGIS: declared, listed, ended, and which are going on at a moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from db import storms

T0 = datetime(2026, 1, 10, 6, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_a_declared_storm_comes_back_with_its_norms_and_notes(cur: Any) -> None:
    storm_id = storms.create_storm(cur, "Метель", T0, norms_h={1: 3.0, 2: 6.5}, notes="ночью")
    storm = storms.get_storm(cur, storm_id)
    assert storm is not None
    assert (storm.id, storm.name, storm.started_at, storm.snowfall_ended_at, storm.closed_at,
            dict(storm.norms_h), storm.notes) == (storm_id, "Метель", T0, None, None,
                                                  {1: 3.0, 2: 6.5}, "ночью")
    assert storms.get_storm(cur, storm_id + 1) is None


def test_storms_are_listed_newest_first(cur: Any) -> None:
    old = storms.create_storm(cur, "Первая", T0)
    new = storms.create_storm(cur, "Вторая", T0 + HOUR)
    same_start = storms.create_storm(cur, "Третья", T0 + HOUR)
    assert [s.id for s in storms.list_storms(cur)] == [same_start, new, old]


def test_ending_the_snowfall_closes_the_window_only_when_told(cur: Any) -> None:
    storm_id = storms.create_storm(cur, "Метель", T0)
    assert storms.end_snowfall(cur, storm_id, T0 + 6 * HOUR, closed_at=T0 + 20 * HOUR)
    assert storms.end_snowfall(cur, storm_id, T0 + 7 * HOUR)
    storm = storms.get_storm(cur, storm_id)
    assert storm is not None
    assert (storm.snowfall_ended_at, storm.closed_at) == (T0 + 7 * HOUR, T0 + 20 * HOUR)
    assert not storms.end_snowfall(cur, storm_id + 1, T0)


def test_storms_going_on_are_those_started_and_not_yet_closed(cur: Any) -> None:
    """Declared at ``at`` counts; closed at ``at`` no longer does; oldest first."""
    closed = storms.create_storm(cur, "Закрыта", T0 - 5 * HOUR)
    storms.end_snowfall(cur, closed, T0 - 4 * HOUR, closed_at=T0)
    later = storms.create_storm(cur, "Позже", T0 - 2 * HOUR)
    storms.end_snowfall(cur, later, T0 - HOUR, closed_at=T0 + HOUR)
    open_ended = storms.create_storm(cur, "Идёт", T0 - 3 * HOUR)
    now = storms.create_storm(cur, "Сейчас", T0)
    storms.create_storm(cur, "Будущая", T0 + HOUR)
    assert [s.id for s in storms.storms_going_on(cur, T0)] == [open_ended, later, now]
    assert [s.name for s in storms.storms_going_on(cur, T0 - 5 * HOUR)] == ["Закрыта"]
