"""Times as people read and type them: the city's wall clock with its offset.

Every time shown to a person (pages, acts, CSV, the console) goes through :func:`local_text`,
and every time a person types goes through :func:`parse_local`, so the one ``[site] time_zone``
setting rules them all. Machine formats (JSON, GeoJSON) keep ISO 8601 with offset. The zone is
always a parameter: this package never reads the configuration.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

__all__ = ["file_stamp", "local_text", "parse_local"]


def _aware(value: datetime | float) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromtimestamp(value, UTC)


def local_text(value: datetime | float | None, zone: tzinfo, *, seconds: bool = False) -> str:
    """``05.12.2026 02:30 (+10:00)``; ``""`` for no time. Floats are Unix seconds."""
    if value is None:
        return ""
    local = _aware(value).astimezone(zone)
    offset = local.isoformat()[-6:]  # ±HH:MM, also for UTC itself
    return local.strftime("%d.%m.%Y %H:%M:%S" if seconds else "%d.%m.%Y %H:%M") + f" ({offset})"


def file_stamp(value: datetime, zone: tzinfo) -> str:
    """``20261205-0230``: the local time in a download's file name."""
    return value.astimezone(zone).strftime("%Y%m%d-%H%M")


def parse_local(text: str, zone: tzinfo) -> datetime:
    """An ISO 8601 time; without an offset it is the wall time in ``zone``.

    ``2026-12-05T08:00`` in Vladivostok is 2026-12-04T22:00Z; ``2026-12-05T08:00+03:00`` and
    ``...Z`` mean what they say. Raises ``ValueError`` for anything else; the range a caller
    accepts is the caller's to check.
    """
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)
