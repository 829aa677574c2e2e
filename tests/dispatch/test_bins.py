"""Per-bin verdicts from hand-made credit: passes, service times and the four states exactly.

A 100 m street has five 20 m bins. Each test lays runs (passes) and their bin entries by hand,
so the verdict of every bin is known without a track in between.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from dispatch.bins import BinState, BinTable, UnknownReason, bin_table
from dispatch.projection import projection_for
from dispatch.route_geometry import RouteGeometry
from tests.dispatch.synthetic import HandEntry, HandRun, hand_credit, street

AS_DRAWN, AGAINST = 0, 1
N, P, U, S = BinState.NOT_SERVED, BinState.PARTIAL, BinState.UNKNOWN, BinState.SERVED


def table(runs: Sequence[HandRun], entries: Sequence[HandEntry], *, direction: str = "both",
          passes_required: int = 1, gap_bins: Sequence[int] = (),
          offline: bool = False) -> BinTable:
    """The bin table of a 100 m street (five bins) credited with ``runs`` and ``entries``."""
    route = street(1, ((0.0, 0.0), (100.0, 0.0)), direction=direction,
                   passes_required=passes_required)
    geom = RouteGeometry.build(route, projection_for(), 20.0)
    assert geom.n_bins == 5
    credit = hand_credit(runs, entries, 5, gap_bins=gap_bins)
    return bin_table(geom, credit, offline=offline)


def states(t: BinTable) -> list[BinState]:
    return [BinState(int(s)) for s in t.state]


def reasons(t: BinTable) -> list[UnknownReason]:
    return [UnknownReason(int(r)) for r in t.reason]


def everywhere(run: int, t0: float, step: float = 10.0) -> list[HandEntry]:
    """Entries of a run over all five bins, ``step`` seconds apart from ``t0``."""
    return [(b, run, t0 + step * b) for b in range(5)]


def test_no_credit_leaves_every_bin_not_served_with_no_service_times() -> None:
    """Nothing credited: five bins not served, no times, no evidence rows."""
    t = table([], [])
    assert states(t) == [N] * 5
    assert reasons(t) == [UnknownReason.NONE] * 5
    assert np.isnan(t.first_service).all() and np.isnan(t.last_service).all()
    assert np.isinf(t.cleared_at).all()
    assert len(t.entry_bin) == len(t.entry_run) == len(t.entry_time) == 0


def test_table_holds_whole_pass_counts_and_compact_states() -> None:
    """Pass counts are integers and states and reasons one byte per bin, as declared."""
    t = table([(AS_DRAWN, True), (AGAINST, False)], everywhere(0, 100.0) + everywhere(1, 200.0))
    assert t.passes.dtype == np.int64 and t.unconfirmed.dtype == np.int64
    assert t.state.dtype == np.int8 and t.reason.dtype == np.int8
    assert t.passes.tolist() == [[1, 0]] * 5 and t.unconfirmed.tolist() == [[0, 1]] * 5


def test_a_run_that_doubles_back_over_a_bin_counts_once_at_its_earliest_time() -> None:
    """Noise that crosses a bin's midpoint twice in one run is one pass, timed at the first."""
    entries = [(0, 0, 100.0), (1, 0, 110.0), (2, 0, 120.0), (2, 0, 125.0), (3, 0, 130.0),
               (3, 0, 128.0), (4, 0, 140.0)]
    t = table([(AS_DRAWN, True)], entries, direction="as_drawn")
    assert t.passes[:, 0].tolist() == [1, 1, 1, 1, 1]
    assert t.first_service.tolist() == [100.0, 110.0, 120.0, 128.0, 140.0]
    assert t.last_service.tolist() == [100.0, 110.0, 120.0, 128.0, 140.0]
    assert t.entry_time.tolist() == [100.0, 110.0, 120.0, 128.0, 140.0]


def test_separate_passes_over_one_bin_are_counted_separately() -> None:
    """Three runs over the same bins are three passes; service spans first to last."""
    runs = [(AS_DRAWN, True), (AGAINST, True), (AS_DRAWN, True)]
    t = table(runs, everywhere(2, 300.0) + everywhere(0, 100.0) + everywhere(1, 200.0))
    assert t.passes.tolist() == [[2, 1]] * 5
    assert t.first_service.tolist() == [100.0, 110.0, 120.0, 130.0, 140.0]
    assert t.last_service.tolist() == [300.0, 310.0, 320.0, 330.0, 340.0]


def test_evidence_rows_are_listed_by_bin_then_by_pass() -> None:
    """The (bin, run, time) rows come one per pass and bin, by bin and within it by run."""
    runs = [(AS_DRAWN, True), (AGAINST, True), (AS_DRAWN, True)]
    t = table(runs, everywhere(2, 300.0) + everywhere(0, 100.0) + everywhere(1, 200.0)
              + [(3, 1, 235.0)])
    assert t.entry_bin.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]
    assert t.entry_run.tolist() == [0, 1, 2] * 5
    assert t.entry_time.tolist() == [100.0, 200.0, 300.0, 110.0, 210.0, 310.0,
                                     120.0, 220.0, 320.0, 130.0, 230.0, 330.0,
                                     140.0, 240.0, 340.0]


def test_a_bin_is_cleared_when_its_kth_required_pass_came() -> None:
    """Two passes required each way: cleared at the later of the second pass each way; a
    third pass changes nothing."""
    runs = [(AS_DRAWN, True), (AS_DRAWN, True), (AGAINST, True), (AGAINST, True),
            (AS_DRAWN, True)]
    entries = (everywhere(0, 100.0) + everywhere(1, 300.0) + everywhere(2, 200.0)
               + everywhere(3, 400.0) + everywhere(4, 150.0))
    t = table(runs, entries, passes_required=2)
    assert states(t) == [S] * 5
    assert t.cleared_at.tolist() == [400.0, 410.0, 420.0, 430.0, 440.0]


def test_one_way_bin_is_cleared_by_its_as_drawn_pass_whatever_passes_against() -> None:
    """On a one-way street only the as-drawn pass clears; a pass against neither clears nor
    counts toward the state."""
    runs = [(AS_DRAWN, True), (AGAINST, True)]
    t = table(runs, everywhere(0, 100.0) + everywhere(1, 50.0), direction="as_drawn")
    assert states(t) == [S] * 5
    assert t.cleared_at.tolist() == [100.0, 110.0, 120.0, 130.0, 140.0]
    against_only = table([(AGAINST, True)], everywhere(0, 50.0), direction="as_drawn")
    assert states(against_only) == [N] * 5


def test_first_of_k_passes_does_not_clear_a_bin() -> None:
    """Two passes required, one came: partial, never cleared."""
    t = table([(AS_DRAWN, True)], everywhere(0, 100.0), direction="as_drawn", passes_required=2)
    assert states(t) == [P] * 5
    assert np.isinf(t.cleared_at).all()


def test_unconfirmed_pass_that_would_complete_a_bin_makes_it_unknown() -> None:
    """One-way street, one pass without a sensor reading: unknown (unconfirmed), not served."""
    t = table([(AS_DRAWN, False)], everywhere(0, 100.0), direction="as_drawn")
    assert states(t) == [U] * 5
    assert reasons(t) == [UnknownReason.UNCONFIRMED] * 5
    assert t.unconfirmed[:, 0].tolist() == [1] * 5 and t.passes.sum() == 0
    assert np.isnan(t.first_service).all()


def test_unconfirmed_pass_that_could_not_complete_a_bin_leaves_it_partial() -> None:
    """Two-way street with an unconfirmed pass one way only: the other way is missing anyway,
    so the bin is partial, not unknown."""
    t = table([(AS_DRAWN, False)], everywhere(0, 100.0))
    assert states(t) == [P] * 5
    assert reasons(t) == [UnknownReason.NONE] * 5


def test_unconfirmed_passes_make_only_their_own_bins_unknown() -> None:
    """An unconfirmed pass over bins 0-1 and a confirmed one each way over bins 3-4: bins 0-1
    unknown, bin 2 not served, bins 3-4 served."""
    runs = [(AS_DRAWN, False), (AGAINST, False), (AS_DRAWN, True), (AGAINST, True)]
    entries = [(0, 0, 1.0), (1, 0, 2.0), (0, 1, 3.0), (1, 1, 4.0),
               (3, 2, 5.0), (4, 2, 6.0), (3, 3, 7.0), (4, 3, 8.0)]
    t = table(runs, entries)
    assert states(t) == [U, U, N, S, S]
    assert reasons(t) == [UnknownReason.UNCONFIRMED] * 2 + [UnknownReason.NONE] * 3


def test_confirmed_one_way_and_unconfirmed_other_way_is_unknown() -> None:
    """A confirmed pass as drawn plus an unconfirmed one against would complete a two-way bin:
    unknown, not partial."""
    t = table([(AS_DRAWN, True), (AGAINST, False)], everywhere(0, 100.0) + everywhere(1, 200.0))
    assert states(t) == [U] * 5
    assert reasons(t) == [UnknownReason.UNCONFIRMED] * 5


def test_gap_makes_unknown_only_the_bins_it_hides_and_served_wins() -> None:
    """Bins 1-3 hidden by a silence: served bin 3 stays served, partial bin 1 and empty bin 2
    become unknown (gap); bins 0 and 4 keep their own verdicts."""
    runs = [(AS_DRAWN, True), (AGAINST, True)]
    entries = [(0, 0, 1.0), (1, 0, 2.0), (3, 0, 3.0), (3, 1, 4.0), (4, 1, 5.0)]
    t = table(runs, entries, gap_bins=(1, 2, 3))
    assert states(t) == [P, U, U, S, P]
    assert reasons(t) == [UnknownReason.NONE, UnknownReason.GAP, UnknownReason.GAP,
                          UnknownReason.NONE, UnknownReason.NONE]


def test_gap_reason_wins_over_unconfirmed_and_unconfirmed_over_offline() -> None:
    """The reason names the strongest cause: a silence, then a missing sensor, then silence of
    the whole assigned fleet."""
    runs = [(AS_DRAWN, False), (AGAINST, False)]
    entries = [(0, 0, 1.0), (0, 1, 2.0), (1, 0, 3.0), (1, 1, 4.0)]
    t = table(runs, entries, gap_bins=(0,), offline=True)
    assert states(t) == [U] * 5
    assert reasons(t) == [UnknownReason.GAP, UnknownReason.UNCONFIRMED] + [
        UnknownReason.OFFLINE] * 3


def test_offline_fleet_leaves_served_bins_served_without_a_reason() -> None:
    """A route whose assigned fleet is marked silent still shows confirmed passes as served,
    with no unknown reason; only the rest is unknown (offline)."""
    runs = [(AS_DRAWN, True), (AGAINST, True)]
    entries = [(0, 0, 1.0), (0, 1, 2.0)]
    t = table(runs, entries, offline=True)
    assert states(t) == [S, U, U, U, U]
    assert reasons(t) == [UnknownReason.NONE] + [UnknownReason.OFFLINE] * 4
    assert t.cleared_at[0] == 2.0 and math.isinf(t.cleared_at[1])
