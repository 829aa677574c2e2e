"""Times typed on the command line: ISO 8601, the city's wall time when there is no offset."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dispatch.local_time import parse_local
from egts_server.config import ConfigError

__all__ = ["typed_time"]


def typed_time(text: str, zone: ZoneInfo, where: str) -> datetime:
    """``now`` or an ISO 8601 time (no offset: in ``zone``); ``where`` names the flag in errors,
    e.g. ``coverage --from``."""
    if text == "now":
        return datetime.now(zone)
    try:
        return parse_local(text, zone)
    except ValueError as e:
        raise ConfigError(f"{where}: {text!r} is not an ISO 8601 time "
                          "(e.g. 2026-12-05T08:00, read in site.time_zone)") from e
