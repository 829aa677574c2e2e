"""Pure decisions of the retranslator: which OID a vehicle has, how fixes fill packets, and how
long to wait before reconnecting. No I/O, no clock: values in, values out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from db.retranslation import QueuedFix

MAX_OID: Final = 0xFFFF_FFFF  # OID is a UINT


def oid_for(vehicle_id: int, egts_identifier: str | None, mapping: Mapping[int, int]) -> int:
    """The object id the upstream knows a vehicle by.

    An explicit mapping wins (the RNIS registers vehicles under its own numbers); otherwise
    the vehicle's EGTS terminal id, which is what the RNIS would see if the terminal were
    configured to send there directly; otherwise our vehicle id.
    """
    mapped = mapping.get(vehicle_id)
    if mapped is not None:
        return mapped
    if egts_identifier is not None and egts_identifier.isdigit():
        tid = int(egts_identifier)
        if 0 < tid <= MAX_OID:
            return tid
    return vehicle_id & MAX_OID


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A queued fix with the OID it is sent under."""

    fix: QueuedFix
    oid: int

    @property
    def vehicle_id(self) -> int:
        return self.fix.key.vehicle_id


def pack(groups: Sequence[Sequence[Outgoing]], records_per_packet: int) -> list[list[Outgoing]]:
    """Fill packets with whole vehicle groups, in the order given.

    A vehicle's fixes never straddle two packets, so within one round each vehicle has exactly
    one packet in flight and a resend can never overtake (or be overtaken by) another packet
    of the same vehicle: the upstream sees every vehicle's fixes in the order of its group.
    A group longer than a packet is cut to ``records_per_packet``; the rest stays queued for
    the next round.
    """
    if records_per_packet < 1:
        raise ValueError("records_per_packet must be at least 1")
    packets: list[list[Outgoing]] = []
    current: list[Outgoing] = []
    for group in groups:
        group = list(group[:records_per_packet])
        if not group:
            continue
        if len(current) + len(group) > records_per_packet:
            packets.append(current)
            current = []
        current.extend(group)
    if current:
        packets.append(current)
    return packets


def by_vehicle(fixes: Sequence[QueuedFix], oids: Mapping[int, int]) -> list[list[Outgoing]]:
    """Consecutive fixes of the same vehicle as one group (``fetch_pending`` order kept)."""
    groups: list[list[Outgoing]] = []
    for fix in fixes:
        out = Outgoing(fix, oids[fix.key.vehicle_id])
        if groups and groups[-1][-1].vehicle_id == out.vehicle_id:
            groups[-1].append(out)
        else:
            groups.append([out])
    return groups


class Backoff:
    """Reconnect delays: ``initial`` (TL_RECONNECT_TO), then doubling up to ``maximum``.

    ``reset`` after a successful login, so a platform that keeps refusing us (or keeps
    dropping the connection before we are in) is asked less and less often.
    """

    def __init__(self, initial_s: float, maximum_s: float, factor: float = 2.0) -> None:
        if initial_s <= 0 or maximum_s < initial_s or factor < 1:
            raise ValueError("need 0 < initial <= maximum and factor >= 1")
        self._initial, self._maximum, self._factor = initial_s, maximum_s, factor
        self._next = initial_s

    def next(self) -> float:
        delay = self._next
        self._next = min(self._maximum, self._next * self._factor)
        return delay

    def reset(self) -> None:
        self._next = self._initial
