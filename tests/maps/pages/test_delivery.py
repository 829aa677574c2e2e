"""The delivery console's page and its JSON, rendered from a fixed report (pure)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from dispatch.local_time import local_text
from egts_server.codec.egts import result_code_name
from maps.pages.delivery import duration, render_delivery_page, report_json
from tests.egts_server.retranslator.helpers import T0, delivery_report

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")


def test_page_shows_state_backlog_lag_and_ack_rate_in_russian() -> None:
    """Russian labels, the state in words, 120 queued, 1 h 30 min lag, 95.0 % confirmed."""
    page = render_delivery_page(delivery_report(), T0, VLADIVOSTOK, result_code_name)
    for text in ("Ретрансляция данных", "нет связи", "В очереди", "Задержка",
                 "Доля подтверждений", "1 ч 30 мин", "95.0%", "153 (ID_NFOUND)",
                 "ЛиАЗ-5292 (гар. № 007)", "1085", "host:42"):
        assert text in page, text


def test_page_without_upstreams_says_how_to_configure_one() -> None:
    """An empty report explains the configuration key."""
    page = render_delivery_page([], T0, VLADIVOSTOK, result_code_name)
    assert "[[retranslator.upstreams]]" in page


def test_page_has_the_app_bar_and_local_times() -> None:
    """The console sits under the site's bar (a way back to the map) and speaks local time."""
    page = render_delivery_page(delivery_report(), T0, VLADIVOSTOK, result_code_name)
    assert '<header class="gd-appbar" id="gd-appbar" data-appbar="' in page
    assert '<a href="/">Техника на линии</a>' in page
    assert f"Сформировано {local_text(T0, VLADIVOSTOK, seconds=True)};" in page
    assert local_text(T0, VLADIVOSTOK, seconds=True).endswith(" (+10:00)")


def test_json_has_lag_and_ratio_per_vehicle() -> None:
    """The JSON variant carries the computed figures."""
    (u,) = report_json(delivery_report(), T0)
    first, second = u["vehicles"]
    assert (first["lag_s"], first["ack_ratio"], first["backlog"]) == (5400.0, 0.95, 120)
    assert (second["lag_s"], second["ack_ratio"]) == (0.0, None)


def test_durations_read_naturally() -> None:
    """Seconds, minutes with seconds, hours with minutes."""
    assert [duration(s) for s in (5, 65, 3725)] == ["5 с", "1 мин 05 с", "1 ч 02 мин"]


def test_a_code_without_a_name_is_shown_as_a_number() -> None:
    """The page shows what the namer it is given knows, and the bare code otherwise."""
    page = render_delivery_page(delivery_report(), T0, VLADIVOSTOK, lambda code: None)
    assert "<td>153</td>" in page
    assert "ID_NFOUND" not in page
