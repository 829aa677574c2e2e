"""Storms in PostGIS: declared by a dispatcher, closed when the snowfall ends."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from dispatch.storms import Storm

__all__ = ["create_storm", "end_snowfall", "get_storm", "list_storms", "storms_going_on"]

_COLUMNS = "id, name, started_at, snowfall_ended_at, closed_at, norms_h, notes"


def _storm(row: tuple[Any, ...]) -> Storm:
    norms = {int(k): float(v) for k, v in (row[5] or {}).items()}
    return Storm(id=row[0], name=row[1], started_at=row[2], snowfall_ended_at=row[3],
                 closed_at=row[4], norms_h=norms, notes=row[6])


def create_storm(cur: Any, name: str, started_at: datetime,
                 snowfall_ended_at: datetime | None = None, *,
                 norms_h: Mapping[int, float] | None = None, notes: str = "") -> int:
    cur.execute("INSERT INTO storms (name, started_at, snowfall_ended_at, norms_h, notes)"
                " VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (name, started_at, snowfall_ended_at,
                 json.dumps({str(k): v for k, v in (norms_h or {}).items()}), notes))
    new_id: int = cur.fetchone()[0]
    return new_id


def get_storm(cur: Any, storm_id: int) -> Storm | None:
    cur.execute(f"SELECT {_COLUMNS} FROM storms WHERE id = %s", (storm_id,))
    row = cur.fetchone()
    return None if row is None else _storm(row)


def list_storms(cur: Any) -> list[Storm]:
    cur.execute(f"SELECT {_COLUMNS} FROM storms ORDER BY started_at DESC, id DESC")
    return [_storm(r) for r in cur.fetchall()]


def end_snowfall(cur: Any, storm_id: int, at: datetime, closed_at: datetime | None = None) -> bool:
    cur.execute("UPDATE storms SET snowfall_ended_at = %s, closed_at = coalesce(%s, closed_at)"
                " WHERE id = %s", (at, closed_at, storm_id))
    updated: bool = cur.rowcount == 1
    return updated


def storms_going_on(cur: Any, at: datetime) -> list[Storm]:
    """Storms declared by ``at`` whose reporting window is not closed then."""
    cur.execute(f"SELECT {_COLUMNS} FROM storms WHERE started_at <= %(at)s"
                " AND (closed_at IS NULL OR closed_at > %(at)s) ORDER BY started_at, id",
                {"at": at})
    return [_storm(r) for r in cur.fetchall()]
