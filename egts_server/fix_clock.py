"""Fixes timed by a wrong terminal clock, recognised as they arrive.

They are stored like any other fix (the terminal is owed its acknowledgement, and the audit
keeps everything it sent) and the coverage engine never credits them (``dispatch.cleaning``
flags them FUTURE_TIME and TOO_EARLY with the same limits); intake counts them per protocol so
an operator sees a terminal with a broken clock before an auditor does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum


class ClockFault(Enum):
    FUTURE = "future"  # further ahead of its arrival than the tolerance
    TOO_EARLY = "too_early"  # before the earliest plausible year


@dataclass(frozen=True, slots=True)
class ClockLimits:
    future_tolerance: timedelta
    earliest: datetime

    @classmethod
    def of(cls, future_tolerance_s: float, earliest_year: int) -> ClockLimits:
        return cls(timedelta(seconds=future_tolerance_s), datetime(earliest_year, 1, 1, tzinfo=UTC))

    def latest(self, received_at: datetime) -> datetime:
        """The latest plausible time of a fix that arrived at ``received_at`` (the earliest is
        ``earliest`` whatever the arrival): a fix is plausible from one to the other, inclusive.
        Fixes received together share it, so intake works it out once for them all."""
        return received_at + self.future_tolerance

    def fault(self, fix_time: datetime, received_at: datetime) -> ClockFault | None:
        """What is wrong with a fix's time, or None when it is plausible."""
        if fix_time > self.latest(received_at):
            return ClockFault.FUTURE
        if fix_time < self.earliest:
            return ClockFault.TOO_EARLY
        return None
