"""The delivery console's page and metrics, rendered from a fixed report (pure)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from db.retranslation import UpstreamDelivery, VehicleDelivery
from dispatch.local_time import local_text
from egts_server.codec.egts import result_code_name
from egts_server.retranslator.metrics import delivery_metrics_text
from maps.pages.delivery import duration, render_delivery_page, report_json
from tests.egts_server.retranslator.helpers import T0

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")


def report() -> list[UpstreamDelivery]:
    waiting = VehicleDelivery(
        vehicle_id=7, vehicle_name="ЛиАЗ-5292 (гар. № 007)", oid=1085, backlog=120,
        oldest_received_at=T0 - timedelta(minutes=90), sent=1000, delivered=950, refused=10,
        last_result=153, last_refused_at=T0, last_fix_time=T0 - timedelta(minutes=91),
        last_delivered_at=T0 - timedelta(minutes=90))
    done = VehicleDelivery(
        vehicle_id=8, vehicle_name="ПАЗ-320414", oid=1086, backlog=0, oldest_received_at=None,
        sent=0, delivered=0, refused=0, last_result=None, last_refused_at=None,
        last_fix_time=None, last_delivered_at=None)
    return [UpstreamDelivery(
        id=1, name="rnis", address="10.0.0.9:4000", enabled=True, state="disconnected",
        state_detail="connection lost; next attempt in 60 s", state_at=T0,
        lease_owner="host:42", lease_until=T0, last_login_at=T0 - timedelta(hours=2),
        vehicles=(waiting, done))]


def test_page_shows_state_backlog_lag_and_ack_rate_in_russian() -> None:
    """Russian labels, the state in words, 120 queued, 1 h 30 min lag, 95.0 % confirmed."""
    page = render_delivery_page(report(), T0, VLADIVOSTOK, result_code_name)
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
    page = render_delivery_page(report(), T0, VLADIVOSTOK, result_code_name)
    assert '<header class="gd-appbar" id="gd-appbar" data-appbar="' in page
    assert '<a href="/">Техника на линии</a>' in page
    assert f"Сформировано {local_text(T0, VLADIVOSTOK, seconds=True)};" in page
    assert local_text(T0, VLADIVOSTOK, seconds=True).endswith(" (+10:00)")


def test_json_has_lag_and_ratio_per_vehicle() -> None:
    """The JSON variant carries the computed figures."""
    (u,) = report_json(report(), T0)
    first, second = u["vehicles"]
    assert (first["lag_s"], first["ack_ratio"], first["backlog"]) == (5400.0, 0.95, 120)
    assert (second["lag_s"], second["ack_ratio"]) == (0.0, None)


def test_metrics_text_has_every_family_with_labels() -> None:
    """Backlog, lag, ratio and the totals, labelled by upstream and vehicle."""
    text = delivery_metrics_text(report(), T0)
    for line in ('glonass_retranslation_up{upstream="rnis"} 0',
                 'glonass_retranslation_backlog_fixes{upstream="rnis",vehicle="7"} 120',
                 'glonass_retranslation_lag_seconds{upstream="rnis",vehicle="7"} 5400',
                 'glonass_retranslation_ack_ratio{upstream="rnis",vehicle="7"} 0.95',
                 'glonass_retranslation_delivered_records_total{upstream="rnis",vehicle="7"} 950',
                 "# TYPE glonass_retranslation_sent_records_total counter"):
        assert line in text, line
    assert 'glonass_retranslation_ack_ratio{upstream="rnis",vehicle="8"}' not in text


def test_durations_read_naturally() -> None:
    """Seconds, minutes with seconds, hours with minutes."""
    assert [duration(s) for s in (5, 65, 3725)] == ["5 с", "1 мин 05 с", "1 ч 02 мин"]


def test_a_code_without_a_name_is_shown_as_a_number() -> None:
    """The page shows what the namer it is given knows, and the bare code otherwise."""
    page = render_delivery_page(report(), T0, VLADIVOSTOK, lambda code: None)
    assert "<td>153</td>" in page
    assert "ID_NFOUND" not in page
