"""The garbage-collection schedule: automatic collector off, scheduled rounds, restored on stop."""

from __future__ import annotations

import gc
import weakref

from twisted.internet.task import Clock

from egts_server.metrics import Registry
from egts_server.net.collector import CollectorSchedule


class _Node:
    """Something that can take part in a reference cycle."""

    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> tuple[_Node, weakref.ref[_Node]]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return a, weakref.ref(a)


def test_rounds_freeze_survivors_and_a_full_round_collects_everything() -> None:
    """A round collects what died young and freezes what survived (never walked again, so
    cycles among such objects wait); the full round, every full_interval_s, finds those too."""
    assert gc.isenabled()
    clock = Clock()
    schedule = CollectorSchedule(clock, Registry(), interval_s=1, full_interval_s=3)
    schedule.startService()
    try:
        assert not gc.isenabled()
        seen = schedule.pauses.count  # the start-up collection
        survivor, survivor_ref = _cycle()
        garbage_ref = _cycle()[1]
        clock.advance(1)
        assert garbage_ref() is None  # a young cycle: collected in the round
        assert gc.get_freeze_count() > 0 and survivor_ref() is not None
        del survivor
        clock.advance(1)
        assert survivor_ref() is not None  # frozen before it became garbage: left alone
        clock.advance(1)  # the third round is the full one
        assert survivor_ref() is None
        assert schedule.pauses.count == seen + 3
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
