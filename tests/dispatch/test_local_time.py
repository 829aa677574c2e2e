"""Times for people: the city's wall clock with its offset, and typed times read in that zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from dispatch.local_time import file_stamp, local_text, parse_local

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
BERLIN = ZoneInfo("Europe/Berlin")
AT = datetime(2026, 12, 5, 16, 30, tzinfo=UTC)


def test_a_utc_instant_reads_as_the_next_local_morning() -> None:
    assert local_text(AT, VLADIVOSTOK) == "06.12.2026 02:30 (+10:00)"
    assert local_text(AT, VLADIVOSTOK, seconds=True) == "06.12.2026 02:30:00 (+10:00)"
    assert local_text(AT.timestamp(), VLADIVOSTOK) == "06.12.2026 02:30 (+10:00)"
    assert local_text(None, VLADIVOSTOK) == ""


def test_the_offset_follows_summer_time_where_the_zone_has_it() -> None:
    assert local_text(datetime(2026, 7, 1, 10, tzinfo=UTC), BERLIN) == "01.07.2026 12:00 (+02:00)"
    assert local_text(datetime(2026, 1, 1, 10, tzinfo=UTC), BERLIN) == "01.01.2026 11:00 (+01:00)"
    assert local_text(AT, UTC) == "05.12.2026 16:30 (+00:00)"


def test_a_typed_time_without_offset_is_the_city_wall_clock() -> None:
    """Local midnight typed by an auditor is 14:00 UTC the day before, not midnight UTC."""
    assert parse_local("2026-12-05T00:00", VLADIVOSTOK) == datetime(2026, 12, 4, 14, tzinfo=UTC)
    assert parse_local("2026-12-05", VLADIVOSTOK) == datetime(2026, 12, 4, 14, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-12-05T16:30:00+00:00", "2026-12-05T16:30Z",
                                  "2026-12-06T02:30+10:00", "2026-12-05T19:30:00+03:00"])
def test_an_offset_always_says_what_it_means(text: str) -> None:
    assert parse_local(text, VLADIVOSTOK) == AT


@pytest.mark.parametrize("text", ["", "вчера", "2026-13-01T00:00", "05.12.2026 08:00"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_local(text, VLADIVOSTOK)


def test_file_names_carry_the_local_time() -> None:
    assert file_stamp(AT, VLADIVOSTOK) == "20261206-0230"
