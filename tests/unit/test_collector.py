"""The garbage-collection schedule: automatic collector off, scheduled rounds, restored on stop."""

from __future__ import annotations

import gc

from twisted.internet.task import Clock

from egts_server.metrics import Registry
from egts_server.net.collector import CollectorSchedule


def test_schedule_collects_on_its_clock_and_restores_the_collector() -> None:
    """While running, only the schedule collects (young often, all every Nth); stop restores."""
    assert gc.isenabled()
    clock = Clock()
    schedule = CollectorSchedule(clock, Registry(), interval_s=60, full_every=2)
    schedule.startService()
    try:
        assert not gc.isenabled()
        seen = schedule.pauses.count  # the start-up collection
        clock.advance(60)
        clock.advance(60)
        assert schedule.pauses.count == seen + 2
    finally:
        schedule.stopService()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_zero_interval_keeps_the_automatic_collector() -> None:
    """interval_s = 0 only freezes start-up objects and measures pauses."""
    schedule = CollectorSchedule(Clock(), Registry(), interval_s=0)
    schedule.startService()
    try:
        assert gc.isenabled()
    finally:
        schedule.stopService()
