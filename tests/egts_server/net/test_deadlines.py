"""A telemetry connection's deadlines, from its times alone."""

from __future__ import annotations

import pytest

from egts_server.net.deadlines import ConnectionTimes, Expiry
from egts_server.net.limits import CloseReason, IntakeLimits

LIMITS = IntakeLimits(idle_timeout_s=100.0, login_timeout_s=20.0, stall_timeout_s=10.0)


def times(**changes: object) -> ConnectionTimes:
    t = ConnectionTimes(connected_at=0.0, last_activity=0.0, valid_seen=True)
    for key, value in changes.items():
        setattr(t, key, value)
    return t


@pytest.mark.parametrize(("t", "now", "reading", "pending", "expected"), [
    (times(), 50.0, True, False, None),
    (times(), 101.0, True, False, Expiry(CloseReason.IDLE, False, 101.0)),
    (times(), 101.0, True, True, None),  # fixes wait for their commit: silence is expected
    (times(), 101.0, False, False, None),  # paused: the peer cannot send
    (times(valid_seen=False), 21.0, True, False, Expiry(CloseReason.LOGIN_TIMEOUT, True)),
    (times(valid_seen=False), 21.0, False, False, None),
    (times(partial_since=5.0), 16.0, True, False, Expiry(CloseReason.SLOW_SENDER, True, 11.0)),
    (times(partial_since=5.0), 16.0, False, False, None),
    (times(unread_since=5.0), 16.0, False, True, Expiry(CloseReason.NOT_READING, True, 11.0)),
    (times(unread_since=5.0, partial_since=0.0), 16.0, True, False,
     Expiry(CloseReason.NOT_READING, True, 11.0)),  # the first rule that applies wins
])
def test_the_first_passed_deadline_is_the_reason(t: ConnectionTimes, now: float, reading: bool,
                                                 pending: bool, expected: Expiry | None) -> None:
    """Each rule applies only in its own circumstances, and in a fixed order."""
    assert t.expired(now, LIMITS, reading=reading, pending=pending) == expected
