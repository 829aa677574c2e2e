"""Times typed on the command line: the city's wall time unless an offset is given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from egts_server.cli.times import typed_time
from egts_server.config import ConfigError

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")


def test_a_time_without_offset_is_read_in_the_given_zone() -> None:
    typed = typed_time("2026-12-05T08:00", VLADIVOSTOK, "coverage --from")
    assert typed == datetime(2026, 12, 4, 22, 0, tzinfo=UTC)
    assert typed.utcoffset() == timedelta(hours=10)


def test_a_time_with_an_offset_means_what_it_says() -> None:
    assert typed_time("2026-12-05T08:00+03:00", VLADIVOSTOK, "audit --from") == datetime(
        2026, 12, 5, 5, 0, tzinfo=UTC)


def test_now_is_the_current_time_in_the_zone() -> None:
    before = datetime.now(UTC)
    typed = typed_time("now", VLADIVOSTOK, "coverage --to")
    assert before <= typed <= datetime.now(UTC)
    assert typed.tzinfo is VLADIVOSTOK


@pytest.mark.parametrize("text", ["вчера", "14.01.2026", "", "Now"])
def test_anything_else_is_refused_naming_the_flag(text: str) -> None:
    with pytest.raises(ConfigError) as refused:
        typed_time(text, VLADIVOSTOK, "audit --to")
    assert str(refused.value) == (f"audit --to: {text!r} is not an ISO 8601 time "
                                  "(e.g. 2026-12-05T08:00, read in site.time_zone)")
