"""When things last happened on a connection, and which of its deadlines has passed.

A connection is closed when nothing was received for ``idle_timeout_s`` while nothing was
pending, no valid packet came within ``login_timeout_s``, or a packet stayed incomplete or our
replies unread for ``stall_timeout_s``. The factory's sweep asks each connection once per check
interval; the answer
depends only on these times, the limits and two facts the connection knows (whether it is
reading, and whether fixes wait for their commit), so the rules are tested without a socket.
"""

from __future__ import annotations

from dataclasses import dataclass

from egts_server.net.limits import CloseReason, IntakeLimits

__all__ = ["ConnectionTimes", "Expiry"]


@dataclass(frozen=True, slots=True)
class Expiry:
    """A passed deadline: close for ``reason`` (``abort``: drop unsent replies)."""

    reason: CloseReason
    abort: bool
    seconds: float | None = None  # how long the awaited thing has not happened, for the log


@dataclass(slots=True)
class ConnectionTimes:
    """Reactor seconds of what the deadlines are measured from."""

    connected_at: float = 0.0
    last_activity: float = 0.0  # bytes received, or an acknowledgement written
    partial_since: float | None = None  # a frame has been incomplete since
    unread_since: float | None = None  # our replies have not been read since
    valid_seen: bool = False  # a packet that decoded without error has come

    def expired(self, now: float, limits: IntakeLimits, *, reading: bool,
                pending: bool) -> Expiry | None:
        """The first passed deadline, if any (``reading``: no pause but for unread output;
        ``pending``: fixes wait for their commit, so silence is expected)."""
        stall = limits.stall_timeout_s
        if self.unread_since is not None and now - self.unread_since > stall:
            return Expiry(CloseReason.NOT_READING, True, now - self.unread_since)
        if reading and self.partial_since is not None and now - self.partial_since > stall:
            return Expiry(CloseReason.SLOW_SENDER, True, now - self.partial_since)
        if not self.valid_seen and reading and now - self.connected_at > limits.login_timeout_s:
            return Expiry(CloseReason.LOGIN_TIMEOUT, True)
        if reading and not pending and now - self.last_activity > limits.idle_timeout_s:
            return Expiry(CloseReason.IDLE, False, now - self.last_activity)
        return None
