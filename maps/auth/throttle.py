"""Sign-in throttling: failed attempts per login and address, and per address across logins.

Pure (the clock is passed in) so every rule is tested without a server. Failures are keyed by
the address they came from, so guessing from one address never locks the login out for
anyone signing in from elsewhere. Past the limit, each further failure doubles the wait; a
success clears that login's count from that address (not the address-wide count, which an
attacker holding one valid account could otherwise reset at will).
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    window_s: float = 600.0  # failures older than this no longer count
    per_login: int = 10  # failures for one login from one address before waiting
    per_address: int = 50  # failures from one address across all logins before waiting
    first_delay_s: float = 30.0  # the first wait; it doubles with every further failure
    max_delay_s: float = 900.0
    max_tracked: int = 50_000  # keys kept at most (oldest dropped): memory stays bounded


@dataclass(frozen=True, slots=True)
class Throttled:
    """A key that must wait, as admins see it."""

    login: str | None  # None: the address is throttled for every login
    address: str
    failures: int
    retry_after_s: int


class _Failures:
    __slots__ = ("times", "blocked_until")

    def __init__(self) -> None:
        self.times: deque[float] = deque()
        self.blocked_until = 0.0


class SignInThrottle:
    def __init__(self, clock: Callable[[], float],
                 policy: ThrottlePolicy = ThrottlePolicy()) -> None:
        self._clock, self._policy = clock, policy
        self._keys: OrderedDict[tuple[str | None, str], _Failures] = OrderedDict()

    def retry_after(self, login: str, address: str) -> int | None:
        """Seconds to wait before this attempt may be tried, or ``None`` when it may go ahead."""
        now = self._clock()
        waits = [entry.blocked_until - now
                 for key in ((login, address), (None, address))
                 if (entry := self._keys.get(key)) is not None]
        longest = max(waits, default=0.0)
        return math.ceil(longest) if longest > 0 else None

    def failed(self, login: str, address: str) -> int | None:
        """Count a failure; the seconds to wait if it (re)started a wait, else ``None``."""
        now = self._clock()
        waits = [self._count((login, address), self._policy.per_login, now),
                 self._count((None, address), self._policy.per_address, now)]
        self._trim(now)
        longest = max((w for w in waits if w is not None), default=None)
        return None if longest is None else math.ceil(longest)

    def succeeded(self, login: str, address: str) -> None:
        self._keys.pop((login, address), None)

    def throttled(self) -> list[Throttled]:
        """Every key that has to wait now, longest wait first."""
        now = self._clock()
        found = [Throttled(login, address, len(entry.times), math.ceil(entry.blocked_until - now))
                 for (login, address), entry in self._keys.items() if entry.blocked_until > now]
        return sorted(found, key=lambda t: (-t.retry_after_s, t.address, t.login or ""))

    def _count(self, key: tuple[str | None, str], limit: int, now: float) -> float | None:
        entry = self._keys.pop(key, None) or _Failures()
        self._keys[key] = entry  # most recently used last
        times = entry.times
        times.append(now)
        while times and times[0] <= now - self._policy.window_s:
            times.popleft()
        beyond = len(times) - limit
        if beyond >= 0:
            delay = min(self._policy.first_delay_s * 2.0 ** min(beyond, 32),
                        self._policy.max_delay_s)
            entry.blocked_until = now + delay
            return delay
        return None

    def _trim(self, now: float) -> None:
        """Drop keys with nothing left to count (least recently failed first), then the
        oldest keys past the cap."""
        keys = self._keys
        while keys:
            oldest = next(iter(keys.values()))
            if oldest.times[-1] > now - self._policy.window_s or oldest.blocked_until > now:
                break
            keys.popitem(last=False)
        while len(keys) > self._policy.max_tracked:
            keys.popitem(last=False)
