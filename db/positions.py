"""The one write path for fixes, never one INSERT per fix: a batch goes to ``positions`` with
one binary COPY (``copy_positions``) or, when it may hold fixes stored before, through a staging
table and an idempotent ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` (``insert_positions``).

A resent fix (same terminal, fix time and coordinates) is stored once, whatever the resend
pattern: the COPY fails on it as a whole (the natural key), and the caller then takes the
idempotent path. The live state row of each vehicle moves forward only to a newer valid fix; a
trigger on ``positions`` keeps it (migration 0008), whichever statement inserted the fixes.
"""

from __future__ import annotations

import io
import operator
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, Final, NamedTuple

from psycopg2.extensions import cursor as Cursor

from db import copy_binary
from egts_server.extensions import COMPILED, PURE, extensions_wanted, load_compiled
from egts_server.model import Position


class FixRow(NamedTuple):
    """A decoded fix with what intake knows about its origin.

    A named tuple, like ``Position``: intake builds one per fix, and the COPY encoder unpacks
    it in one step.
    """

    terminal_id: int
    vehicle_id: int | None
    received_at: datetime
    position: Position


_COLUMN_LIST = ", ".join(copy_binary.COLUMNS)

_STAGE_COLUMNS = """
    terminal_id bigint, vehicle_id bigint, fix_time timestamptz, received_at timestamptz,
    latitude double precision, longitude double precision, valid boolean, speed_kmh real,
    course_deg real, altitude_m real, satellites smallint, hdop real, inputs bigint,
    odometer_m double precision, black_box boolean, pz90 boolean, protocol text, attributes jsonb
"""
_STAGE = (f"CREATE TEMP TABLE IF NOT EXISTS positions_stage ({_STAGE_COLUMNS})"
          " ON COMMIT DELETE ROWS")
_COPY = f"COPY positions_stage ({_COLUMN_LIST}) FROM STDIN WITH (FORMAT binary)"

_DIRECT_COPY = f"COPY positions ({_COLUMN_LIST}) FROM STDIN WITH (FORMAT binary)"

# Skips fixes stored before (the natural key), in key order so concurrent writers meeting the
# same resends wait for each other instead of deadlocking.
_STORE = (f"INSERT INTO positions ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} FROM positions_stage"
          " ORDER BY terminal_id, fix_time ON CONFLICT DO NOTHING")


_compiled_copy: Any = load_compiled("db._compiled_copy")
#: Which COPY encoder the writer runs: "compiled" when ``db._compiled_copy`` was built and
#: extensions are not disabled, else "pure" (``copy_binary.encode_copy``, the reference).
COPY_ENCODER: Final = COMPILED if _compiled_copy is not None and extensions_wanted() else PURE
encode_copy: Final[Callable[[Sequence[FixRow]], bytes]] = (
    _compiled_copy.encode_copy if COPY_ENCODER == COMPILED else copy_binary.encode_copy)


def months_of(rows: Iterable[FixRow]) -> set[date]:
    """First days of the months the fixes fall in (the partitions they need)."""
    return {r.position.fix_time.date().replace(day=1) for r in rows}


def ensure_partitions(cur: Cursor, months: Iterable[date]) -> None:
    for month in sorted(months):
        cur.execute("SELECT ensure_positions_partition(%s)", (month,))


def ensure_stage(cur: Cursor) -> None:
    """Create this session's staging table (once per connection; its rows vanish at commit)."""
    cur.execute(_STAGE)


def insert_positions(cur: Cursor, rows: Sequence[FixRow], *, staged: bool = False) -> int:
    """Store a batch in the caller's transaction, skipping fixes stored before; return how many
    fixes were new.

    ``staged``: the caller knows this session already has the staging table (the writer
    remembers that per connection and saves a statement per transaction).
    """
    if not staged:
        ensure_stage(cur)
    _copy(cur, _COPY, encode_copy(rows))
    cur.execute(_STORE)
    return int(cur.rowcount)


# The primary key of ``positions``: a batch sorted by it takes the key's locks in one order.
_NATURAL_ORDER = operator.attrgetter("terminal_id", "position.fix_time", "position.latitude",
                                     "position.longitude")


def copy_positions(cur: Cursor, rows: Sequence[FixRow]) -> int:
    """Store a batch of fixes none of which is stored yet with one COPY straight into
    ``positions`` (in the caller's transaction, or its own in autocommit mode); return how many
    were stored. The database does about half the work of ``insert_positions`` for a large
    batch and a third for a small one (no second pass over the rows, no speculative insertion,
    no staging table to empty at commit).

    A fix stored before fails the whole COPY with ``psycopg2.errors.UniqueViolation``; then use
    ``insert_positions`` (after rolling back the caller's transaction, if there is one). The
    rows go in natural key order, so two writers copying the same resent fixes wait for each
    other instead of deadlocking.
    """
    ordered = sorted(rows, key=_NATURAL_ORDER)
    _copy(cur, _DIRECT_COPY, encode_copy(ordered))
    return len(ordered)


def _copy(cur: Cursor, statement: str, data: bytes) -> None:
    """Send the whole stream in one piece (psycopg2 would read it 8 KiB at a time)."""
    cur.copy_expert(statement, io.BytesIO(data), size=max(len(data), 8192))
