"""Which terminal a device is: the registry's verdict, asked once per connection.

A connection asks ``admit`` (``db.terminals`` through the pool) about each device it sees: the
login's, and each record's own (a relay forwards many terminals on one connection). At most one
question per device is in flight, so a first packet racing its login cannot register the
terminal twice; the answer is kept for the connection's life.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

import psycopg2
from twisted.enterprise.adbapi import ConnectionLost
from twisted.internet.defer import Deferred, FirstError, fail, gatherResults, succeed
from twisted.python.failure import Failure

from db.errors import StorageError
from db.pool import StorageRefused
from db.positions import FixRow
from db.terminals import Admission
from egts_server.model import DeviceKey, Position
from egts_server.net.limits import CloseReason

__all__ = ["Admissions", "Admit", "TerminalRejected", "first_error", "refusal"]

# device, IMEI, login details, the address (host:port) the device connected from
Admit = Callable[[DeviceKey, "str | None", Mapping[str, str], str], "Deferred[Admission]"]


class TerminalRejected(Exception):
    """The registry refused a device whose fixes arrived on this connection."""


class Admissions:
    """The registry's verdicts on the devices seen on one connection."""

    __slots__ = ("_admit", "_admitted", "_admitting", "_peer")

    def __init__(self, admit: Admit, peer: Callable[[], str]) -> None:
        self._admit = admit
        self._peer = peer  # the connection's client address, read when the registry is asked
        self._admitted: dict[DeviceKey, Admission] = {}
        self._admitting: dict[DeviceKey, list[Deferred[Admission]]] | None = None

    def get(self, device: DeviceKey) -> Admission | None:
        """The verdict on ``device`` if one has come."""
        return self._admitted.get(device)

    def accepted_id(self, device: DeviceKey | None) -> int | None:
        """The registry id of ``device`` once the registry accepted it (commands go by it)."""
        admission = self._admitted.get(device) if device is not None else None
        return admission.terminal_id if admission is not None and admission.accepted else None

    def unknown(self, devices: set[DeviceKey]) -> set[DeviceKey]:
        """Those of ``devices`` without a verdict yet."""
        return devices - self._admitted.keys()

    def ask(self, device: DeviceKey, imei: str | None = None,
            details: Mapping[str, str] | None = None) -> Deferred[Admission]:
        """The registry's verdict on ``device`` (asked once; later callers share the answer)."""
        known = self._admitted.get(device)
        if known is not None:
            return succeed(known)
        mine: Deferred[Admission] = Deferred()
        if self._admitting is None:
            self._admitting = {}
        waiters = self._admitting.get(device)
        if waiters is not None:
            waiters.append(mine)
            return mine
        self._admitting[device] = [mine]

        def settle(result: Admission | Failure) -> None:
            if isinstance(result, Admission):
                self._admitted[device] = result
            assert self._admitting is not None
            waiting = self._admitting.pop(device)
            if not self._admitting:
                self._admitting = None
            for waiter in waiting:
                if isinstance(result, Failure):
                    waiter.errback(result)
                else:
                    waiter.callback(result)

        self._admit(device, imei, details or {}, self._peer()).addBoth(settle)
        return mine

    def store(self, positions: Iterable[Position],
              submit: Callable[[list[FixRow]], Deferred[None]],
              clock: Callable[[], datetime]) -> Deferred[None]:
        """Submit now; devices seen for the first time (record OIDs) go through the registry."""
        batch = list(positions)
        unknown = self.unknown({p.device for p in batch})
        if not unknown:
            try:
                return submit(self.rows(batch, clock()))
            except TerminalRejected:
                return fail()
        admitted = gatherResults([self.ask(device) for device in unknown], consumeErrors=True)
        admitted.addErrback(first_error)
        return admitted.addCallback(lambda _: submit(self.rows(batch, clock())))

    def rows(self, positions: Iterable[Position], received_at: datetime) -> list[FixRow]:
        """The fixes as the writer stores them; ``TerminalRejected`` if a device was refused."""
        rows = []
        for p in positions:
            admission = self._admitted[p.device]
            if not admission.accepted or admission.terminal_id is None:
                raise TerminalRejected(f"{p.device}: {admission.reason}")
            rows.append(FixRow(admission.terminal_id, admission.vehicle_id, received_at, p))
        return rows


def first_error(failure: Failure) -> Failure:
    """gatherResults wraps the first failure; the callers want the original."""
    if failure.check(FirstError):
        return failure.value.subFailure  # type: ignore[no-any-return,union-attr]
    return failure


def refusal(failure: Failure) -> tuple[CloseReason, str] | None:
    """Why a login or store failed, when it is a refusal or the database going away (closed
    with the message, no traceback); None for anything unexpected."""
    if failure.check(TerminalRejected):
        return CloseReason.REJECTED, failure.getErrorMessage()
    if failure.check(StorageRefused):
        return CloseReason.STORAGE, failure.getErrorMessage()
    if failure.check(StorageError, ConnectionLost, psycopg2.Error):
        return CloseReason.STORAGE, failure.getErrorMessage().strip()
    return None
