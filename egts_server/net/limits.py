"""Connection hygiene shared by every telemetry listener: caps, timeouts, and the reasons.

``IntakeLimits`` is the frozen policy (from ``[intake]``). ``ConnectionCounter`` enforces the
connection caps at accept time across all listeners of the process (the total is one budget of
file descriptors). ``CloseReason`` names why the server closed or refused a connection; the
names are the ``reason`` label of the metrics and a field of the log events.
"""

from __future__ import annotations

import enum
import resource
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

#: File descriptors kept free for the database pools, the HTTP server and log files.
FD_RESERVE = 256


class CloseReason(enum.StrEnum):
    """Why the server closed (or refused) a telemetry connection."""

    IDLE = "idle"  # nothing received for idle_timeout_s while nothing was pending
    LOGIN_TIMEOUT = "login_timeout"  # no valid packet within login_timeout_s of connecting
    SLOW_SENDER = "slow_sender"  # a packet stayed incomplete for stall_timeout_s
    NOT_READING = "not_reading"  # our replies stayed unread for stall_timeout_s
    GARBAGE = "garbage"  # the stream could not be cut into packets (framing error)
    BAD_PACKETS = "bad_packets"  # max_bad_packets malformed packets in a row
    BUFFER = "buffer"  # more than max_buffered_bytes waiting for a packet's end
    PROTOCOL = "protocol"  # the codec ended the session (a refused login, say)
    REJECTED = "rejected"  # the terminal registry refused the terminal
    STORAGE = "storage"  # the database refused this connection's data or admission failed
    SHUTDOWN = "shutdown"  # the server is stopping
    TOTAL_CAP = "total_cap"  # refused: max_connections reached
    ADDRESS_CAP = "address_cap"  # refused: max_connections_per_address reached
    PROXY_UNTRUSTED = "proxy_untrusted"  # refused: a PROXY listener, peer not a trusted balancer
    PROXY_HEADER = "proxy_header"  # no valid PROXY header first (or none within the timeout)


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    """Caps and timeouts for one listener's connections (``[intake]`` in the configuration)."""

    idle_timeout_s: float = 300.0
    login_timeout_s: float = 30.0
    stall_timeout_s: float = 30.0
    max_buffered_bytes: int = 65553
    max_pending_fixes: int = 200
    max_bad_packets: int = 10

    @property
    def check_interval_s(self) -> float:
        """How often a connection's watchdog looks at its deadlines (a deadline is noticed
        at most this late)."""
        return max(0.01, min(self.idle_timeout_s, self.login_timeout_s,
                             self.stall_timeout_s) / 4)


def effective_max_connections(configured: int) -> int:
    """``configured``, lowered to what the process's open-file limit can actually hold."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return configured
    return max(1, min(configured, soft - FD_RESERVE))


class ConnectionCounter:
    """Open connections in total and per source address, with the caps applied at accept."""

    def __init__(self, max_total: int, max_per_address: int) -> None:
        self.max_total = max_total
        self.max_per_address = max_per_address
        self.total = 0
        self.by_address: Counter[str] = Counter()

    def acquire(self, address: str) -> CloseReason | None:
        """Count a new connection, or say which cap refuses it."""
        if self.total >= self.max_total:
            return CloseReason.TOTAL_CAP
        if self.by_address[address] >= self.max_per_address:
            return CloseReason.ADDRESS_CAP
        self.total += 1
        self.by_address[address] += 1
        return None

    def release(self, address: str) -> None:
        self.total -= 1
        left = self.by_address[address] - 1
        if left > 0:
            self.by_address[address] = left
        else:
            del self.by_address[address]


class Throttle:
    """Lets an event through at most once per ``interval_s``; counts what it held back.

    Used for log lines a flood could otherwise multiply (refused connections).
    """

    def __init__(self, seconds: Callable[[], float], interval_s: float = 1.0) -> None:
        self._seconds = seconds
        self._interval_s = interval_s
        self._next = 0.0
        self.suppressed = 0

    def allow(self) -> int | None:
        """None to stay quiet; else how many events were suppressed since the last one."""
        now = self._seconds()
        if now < self._next:
            self.suppressed += 1
            return None
        self._next = now + self._interval_s
        held, self.suppressed = self.suppressed, 0
        return held
