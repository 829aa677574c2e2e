"""Delivery figures per upstream and vehicle as Prometheus families.

``register_delivery_metrics(registry, read, clock)`` adds gauges that read a report at scrape
time (``read`` returns the retranslation service's snapshot, refreshed in the background, so
a scrape never waits for the database); ``delivery_metrics_text(report, now)`` renders the
same families standalone, for a caller without a registry.

Cumulative counts come from the database (they survive restarts and are shared by every
process), so they are exposed with TYPE counter although they are read, not incremented.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from db.retranslation import UpstreamDelivery, VehicleDelivery
from egts_server.metrics import Gauge, Registry

Read = Callable[[], Sequence[UpstreamDelivery]]
Series = list[tuple[tuple[str, ...], float]]


class ReadCounter(Gauge):
    """A total read from elsewhere at scrape time (rendered with TYPE counter)."""

    kind = "counter"


def _per_vehicle(read: Read, value: Callable[[VehicleDelivery], float | None]
                 ) -> Callable[[], Series]:
    def series() -> Series:
        out: Series = []
        for u in read():
            for v in u.vehicles:
                x = value(v)
                if x is not None:
                    out.append(((u.name, str(v.vehicle_id)), float(x)))
        return out

    return series


def delivery_families(read: Read, clock: Callable[[], datetime]) -> list[Gauge]:
    labels = ("upstream", "vehicle")

    def up() -> Series:
        return [((u.name,), 1.0 if u.state == "logged_in" else 0.0) for u in read()
                if u.enabled]

    return [
        Gauge("glonass_retranslation_up",
              "1 while the upstream's feeding process reports being logged in.",
              ("upstream",), up),
        Gauge("glonass_retranslation_backlog_fixes",
              "Fixes stored but not yet confirmed by the upstream.", labels,
              _per_vehicle(read, lambda v: v.backlog)),
        Gauge("glonass_retranslation_lag_seconds",
              "Age of the oldest fix still waiting for the upstream (0: none waits).", labels,
              _per_vehicle(read, lambda v: v.lag_s(clock()))),
        Gauge("glonass_retranslation_ack_ratio",
              "Records confirmed per record written to the upstream, resends included.",
              labels, _per_vehicle(read, lambda v: v.ack_ratio)),
        ReadCounter("glonass_retranslation_sent_records_total",
                    "Records written to the upstream, resends included.", labels,
                    _per_vehicle(read, lambda v: v.sent)),
        ReadCounter("glonass_retranslation_delivered_records_total",
                    "Records the upstream confirmed with result code 0.", labels,
                    _per_vehicle(read, lambda v: v.delivered)),
        ReadCounter("glonass_retranslation_refused_records_total",
                    "Records the upstream answered with another result code.", labels,
                    _per_vehicle(read, lambda v: v.refused)),
    ]


def register_delivery_metrics(registry: Registry, read: Read,
                              clock: Callable[[], datetime]) -> None:
    for family in delivery_families(read, clock):
        registry.add(family)


def delivery_metrics_text(report: Iterable[UpstreamDelivery], now: datetime) -> str:
    """The same families as text exposition, for one report."""
    fixed = list(report)
    registry = Registry()
    register_delivery_metrics(registry, lambda: fixed, lambda: now)
    return registry.render()
