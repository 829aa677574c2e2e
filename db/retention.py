"""Monthly partitions of ``positions``: created ahead of time, dropped whole for retention.

Partitions are named ``positions_YYYY_MM`` by ``ensure_positions_partition`` (migration 0001)
and cover one calendar month in UTC. Retention never deletes rows: it drops whole partitions,
which is instant and leaves no bloat behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

_NAME = re.compile(r"^positions_(\d{4})_(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class Partition:
    """One monthly partition: the first day of its month and its table name."""

    month: date
    name: str

    @property
    def end(self) -> date:
        """First day of the following month (the exclusive upper bound)."""
        return add_months(self.month, 1)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"cannot move {day} by {months} months")  # pragma: no cover


def month_start(day: date) -> date:
    return day.replace(day=1)


def partitions(cur: Any) -> list[Partition]:
    """The monthly partitions attached to ``positions``, oldest first."""
    cur.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = 'positions'::regclass")
    found = []
    for (name,) in cur.fetchall():
        match = _NAME.match(name)
        if match:
            found.append(Partition(date(int(match.group(1)), int(match.group(2)), 1), name))
    return sorted(found)


def ensure_months_ahead(cur: Any, today: date, months_ahead: int) -> list[str]:
    """Create the partitions of the current month and the next ``months_ahead``; return the
    names of those that did not exist yet."""
    existing = {p.month for p in partitions(cur)}
    created = []
    for k in range(months_ahead + 1):
        month = add_months(month_start(today), k)
        if month not in existing:
            cur.execute("SELECT ensure_positions_partition(%s)", (month,))
            created.append(f"positions_{month:%Y_%m}")
    return created


def expired(cur: Any, keep_months: int, today: date) -> list[Partition]:
    """Partitions whose every fix is older than ``keep_months`` months before ``today``."""
    if keep_months < 1:
        raise ValueError("keep_months must be at least 1")
    cutoff = add_months(today, -keep_months)
    return [p for p in partitions(cur) if p.end <= cutoff]


def drop_partition(cur: Any, partition: Partition, lock_timeout_s: float = 10.0) -> None:
    """Drop one partition in the caller's transaction.

    Dropping a partition briefly locks ``positions`` exclusively; ``lock_timeout`` keeps that
    from queueing the writer behind a long-running query for more than a few seconds (the
    drop then fails and can simply be run again).
    """
    cur.execute("SELECT set_config('lock_timeout', %s, true)", (f"{int(lock_timeout_s * 1000)}",))
    cur.execute(f'DROP TABLE "{partition.name}"')
