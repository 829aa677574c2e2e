"""OIDs, packing of fixes into packets, and the reconnect backoff."""

from __future__ import annotations

import pytest

from egts_server.retranslator.plan import Backoff, by_vehicle, oid_for, pack
from tests.retranslator.helpers import outgoing, queued


@pytest.mark.parametrize(("vehicle", "identifier", "mapping", "oid"), [
    (12, "1001", {12: 880012}, 880012),  # the upstream's own number wins
    (12, "1001", {}, 1001),  # else the EGTS terminal id
    (12, "864495034643376", {}, 12),  # an IMEI does not fit a UINT: vehicle id
    (12, "0", {}, 12),  # TID 0 means "not configured"
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
    with pytest.raises(ValueError):
        pack([[outgoing(1)]], 0)


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


def test_backoff_refuses_nonsense() -> None:
    """A maximum below the first delay is a configuration mistake."""
    with pytest.raises(ValueError):
        Backoff(30, 10)
