"""OIDs, packing of fixes into packets, and the reconnect backoff."""

from __future__ import annotations

import pytest

from egts_server.retranslator.plan import Backoff, by_vehicle, oid_for, pack
from tests.egts_server.retranslator.helpers import outgoing, queued


@pytest.mark.parametrize(("vehicle", "identifier", "mapping", "oid"), [
    (12, "1001", {12: 880012}, 880012),  # the upstream's own number wins
    (12, "1001", {}, 1001),  # else the EGTS terminal id
    (12, "864495034643376", {}, 12),  # an IMEI does not fit a UINT: vehicle id
    (12, "0", {}, 12),  # TID 0 means "not configured"
    (12, "1", {}, 1),  # the smallest TID
    (12, "4294967295", {}, 4294967295),  # the largest UINT
    (12, "4294967296", {}, 12),  # one past it
    ((1 << 32) + 7, None, {}, 7),  # a vehicle id past 32 bits keeps its low bits
    (12, None, {}, 12),  # no EGTS terminal at all
])
def test_oid_choice(vehicle: int, identifier: str | None, mapping: dict[int, int],
                    oid: int) -> None:
    """Mapping, then a TID that fits in 32 bits, then the vehicle id."""
    assert oid_for(vehicle, identifier, mapping) == oid


def test_vehicle_groups_never_straddle_packets() -> None:
    """Groups fill packets in order; one that does not fit starts the next packet."""
    a = [outgoing(1, i) for i in range(3)]
    b = [outgoing(2, i) for i in range(2)]
    c = [outgoing(3, i) for i in range(4)]
    assert pack([a, b, c], 5) == [a + b, c]


def test_oversized_group_is_cut_to_one_packet() -> None:
    """A vehicle with more fixes than a packet holds sends its oldest ones now."""
    a = [outgoing(1, i) for i in range(7)]
    assert pack([a], 5) == [a[:5]]


def test_pack_refuses_a_zero_packet_size() -> None:
    """A packet must hold at least one record."""
    with pytest.raises(ValueError, match="^records_per_packet must be at least 1$"):
        pack([[outgoing(1)]], 0)


def test_one_record_per_packet_sends_each_vehicle_its_oldest_fix() -> None:
    a = [outgoing(1, i) for i in range(2)]
    b = [outgoing(2, i) for i in range(3)]
    assert pack([a, b], 1) == [a[:1], b[:1]]


def test_an_empty_group_does_not_end_the_round() -> None:
    """A vehicle with nothing queued is skipped; the vehicles after it still go."""
    a, c = [outgoing(1)], [outgoing(3)]
    assert pack([a, [], c], 5) == [a + c]


def test_by_vehicle_groups_consecutive_fixes_with_their_oids() -> None:
    """Fetch order (vehicle, fix time) becomes one group per vehicle, OIDs attached."""
    fixes = [queued(1, 0), queued(1, 1), queued(2, 0)]
    groups = by_vehicle(fixes, {1: 11, 2: 22})
    assert [[(o.vehicle_id, o.oid) for o in g] for g in groups] == [[(1, 11), (1, 11)],
                                                                      [(2, 22)]]


def test_backoff_doubles_to_the_cap_and_resets() -> None:
    """30 s (TL_RECONNECT_TO), then doubling up to the maximum; reset after a login."""
    backoff = Backoff(30, 600)
    assert [backoff.next() for _ in range(7)] == [30, 60, 120, 240, 480, 600, 600]
    backoff.reset()
    assert backoff.next() == 30


@pytest.mark.parametrize(("initial", "maximum", "factor"), [
    (30, 10, 2.0), (0, 10, 2.0), (-1, 10, 2.0), (30, 60, 0.9)])
def test_backoff_refuses_nonsense(initial: float, maximum: float, factor: float) -> None:
    """No first delay, a maximum below it, or delays that shrink are configuration mistakes."""
    with pytest.raises(ValueError, match="^need 0 < initial <= maximum and factor >= 1$"):
        Backoff(initial, maximum, factor)


def test_backoff_accepts_its_limits() -> None:
    """Sub-second first delays, a maximum equal to it, and a constant delay are all fine."""
    assert [Backoff(0.5, 0.5).next() for _ in range(2)] == [0.5, 0.5]
    constant = Backoff(30, 600, factor=1.0)
    assert [constant.next() for _ in range(3)] == [30, 30, 30]
