"""The reactor-lag histogram: lateness of a timer, as seen on the reactor's own clock."""

from __future__ import annotations

from twisted.internet.task import Clock

from egts_server.metrics import Registry
from egts_server.net.loop_lag import LoopLag


def test_lateness_is_observed_per_tick() -> None:
    clock = Clock()
    registry = Registry()
    lag = LoopLag(clock, registry, interval_s=0.1)
    lag.startService()
    try:
        clock.advance(0.1)  # on time
        clock.advance(0.4)  # the reactor was busy: this tick fired 0.3 s late
        assert lag.lag.count == 2
        assert lag.lag.quantile(0.5) == 0.001  # the on-time tick, in the smallest bucket
        assert lag.lag.quantile(1.0) == 0.5  # the bucket holding 0.3 s
        assert "glonass_reactor_lag_seconds_bucket" in registry.render()
    finally:
        lag.stopService()
