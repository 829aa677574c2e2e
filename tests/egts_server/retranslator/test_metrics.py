"""Delivery figures as Prometheus families: every family labelled by upstream and vehicle,
totals typed as counters, and values read from the report at scrape time."""

from __future__ import annotations

import dataclasses

from db.retranslation import UpstreamDelivery
from egts_server.metrics import Registry
from egts_server.retranslator.metrics import delivery_metrics_text, register_delivery_metrics
from tests.egts_server.retranslator.helpers import T0, delivery_report


def test_metrics_text_has_every_family_with_labels() -> None:
    """Backlog, lag, ratio and the totals, labelled by upstream and vehicle."""
    text = delivery_metrics_text(delivery_report(), T0)
    for line in ('glonass_retranslation_up{upstream="rnis"} 0',
                 'glonass_retranslation_backlog_fixes{upstream="rnis",vehicle="7"} 120',
                 'glonass_retranslation_lag_seconds{upstream="rnis",vehicle="7"} 5400',
                 'glonass_retranslation_ack_ratio{upstream="rnis",vehicle="7"} 0.95',
                 'glonass_retranslation_delivered_records_total{upstream="rnis",vehicle="7"} 950',
                 "# TYPE glonass_retranslation_sent_records_total counter"):
        assert line in text, line
    assert 'glonass_retranslation_ack_ratio{upstream="rnis",vehicle="8"}' not in text


def test_a_registry_reads_the_latest_report_at_each_scrape() -> None:
    """The service refreshes its snapshot in the background; each scrape shows the current one."""
    snapshot: list[UpstreamDelivery] = delivery_report()
    registry = Registry()
    register_delivery_metrics(registry, lambda: snapshot, lambda: T0)
    assert 'glonass_retranslation_up{upstream="rnis"} 0' in registry.render()
    (upstream,) = snapshot
    snapshot = [dataclasses.replace(upstream, state="logged_in")]
    assert 'glonass_retranslation_up{upstream="rnis"} 1' in registry.render()


def test_a_disabled_upstream_has_no_up_series_but_keeps_its_totals() -> None:
    (upstream,) = delivery_report()
    text = delivery_metrics_text([dataclasses.replace(upstream, enabled=False)], T0)
    assert "glonass_retranslation_up{" not in text
    assert 'glonass_retranslation_refused_records_total{upstream="rnis",vehicle="7"} 10' in text
