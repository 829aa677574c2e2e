"""Stretches: runs of consecutive bins with one verdict, each with the evidence behind it.

A dispatcher reads "Ленина 0-340 m served twice each way by КДМ 014 between 03:10 and 04:25",
not 17 bins. Consecutive bins merge while their state, unknown-reason and confirmed pass counts
agree. Each stretch lists the passes (runs) that touched it, with vehicle, direction, time span,
number of fixes and the sensor reading that made them count, and, when it is unknown because of
a data gap, the gaps: the two fixes on either side of the silence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from dispatch.bins import BinState, BinTable, UnknownReason
from dispatch.cleaning import CleanTrack
from dispatch.crediting import RouteCredit
from dispatch.equipment import VehicleInfo
from dispatch.fixes import IntArray
from dispatch.projection import Projection
from dispatch.route_geometry import RouteGeometry

__all__ = ["GapEvidence", "RunEvidence", "Stretch", "build_stretches"]

DIRECTION_NAMES = ("as_drawn", "against")


@dataclass(frozen=True, slots=True)
class RunEvidence:
    """One pass over (part of) a stretch."""

    vehicle_id: int
    direction: str  # "as_drawn" | "against"
    confirmed: bool
    sensor: str  # what made it count: "input 1 on", or why it is unconfirmed
    m_from: float
    m_to: float
    started: float  # fix time of the run's first fix (POSIX seconds)
    ended: float
    fixes: int
    black_box: bool  # some of its fixes came late from the terminal's memory


@dataclass(frozen=True, slots=True)
class GapEvidence:
    """A silence of an eligible vehicle over the stretch: the fixes before and after it."""

    vehicle_id: int
    last_fix_before: float
    first_fix_after: float
    gap_s: float
    gap_m: float
    m_from: float
    m_to: float


@dataclass(frozen=True, slots=True)
class Stretch:
    """Bins [bin_from, bin_to) of a route with one verdict; times POSIX seconds or None."""

    index: int
    bin_from: int
    bin_to: int
    m_from: float
    m_to: float
    state: str
    reason: str | None
    passes: tuple[int, int]  # confirmed (as drawn, against); the same in every bin
    unconfirmed_passes: tuple[int, int]  # the least over the stretch's bins
    first_service: float | None
    last_service: float | None
    cleared_at: float | None  # when the whole stretch had become served
    vehicles: tuple[int, ...]  # every vehicle with a confirmed pass over the stretch
    runs_total: int  # passes (confirmed or not) that touched the stretch
    runs: tuple[RunEvidence, ...]  # the earliest of them (those that served it) and the last
    gaps: tuple[GapEvidence, ...]
    coordinates: tuple[tuple[float, float], ...]  # WGS-84 lon/lat

    @property
    def length_m(self) -> float:
        return self.m_to - self.m_from


def build_stretches(geom: RouteGeometry, table: BinTable, credit: RouteCredit,
                    track: CleanTrack, vehicles: Mapping[int, VehicleInfo],
                    projection: Projection, evidence_limit: int) -> tuple[Stretch, ...]:
    """Merge equal consecutive bins and attach their evidence (at most ``evidence_limit`` runs
    each: a street passed 300 times in a day is defended by the passes that served it)."""
    n = geom.n_bins
    key = np.column_stack((table.state, table.reason, table.passes))
    change = np.concatenate(([True], np.any(key[1:] != key[:-1], axis=1)))
    starts_a = np.flatnonzero(change)
    ends_a = np.concatenate((starts_a[1:], [n]))
    starts, ends = starts_a.tolist(), ends_a.tolist()
    bounds = [(b0 * geom.bin_len, b1 * geom.bin_len) for b0, b1 in zip(starts, ends, strict=True)]
    coordinates = geom.stretches_coordinates(bounds, projection)
    runs = _RunTable(credit, track, vehicles)
    per_stretch = runs.by_stretch(np.repeat(np.arange(len(starts)), ends_a - starts_a),
                                  table, evidence_limit)
    first_service = np.fmin.reduceat(table.first_service, starts_a).tolist()
    last_service = np.fmax.reduceat(table.last_service, starts_a).tolist()
    cleared = np.maximum.reduceat(table.cleared_at, starts_a).tolist()
    unconfirmed = np.minimum.reduceat(table.unconfirmed, starts_a, axis=0).tolist()
    stretches = []
    for index, (b0, b1) in enumerate(zip(starts, ends, strict=True)):
        state = BinState(int(table.state[b0]))
        m_from, m_to = bounds[index]
        total, shown, confirmed_vehicles = per_stretch[index]
        stretches.append(Stretch(
            index=index, bin_from=b0, bin_to=b1, m_from=m_from, m_to=m_to,
            state=state.label, reason=UnknownReason(int(table.reason[b0])).label,
            passes=(int(table.passes[b0, 0]), int(table.passes[b0, 1])),
            unconfirmed_passes=(int(unconfirmed[index][0]), int(unconfirmed[index][1])),
            first_service=_time(first_service[index]),
            last_service=_time(last_service[index]),
            cleared_at=_time(cleared[index]),
            vehicles=confirmed_vehicles, runs_total=total, runs=shown,
            gaps=_gaps(credit, track, m_from, m_to) if state == BinState.UNKNOWN else (),
            coordinates=coordinates[index],
        ))
    return tuple(stretches)


def _time(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


class _RunTable:
    """Per-run evidence fields of one route as plain lists, materialised only for what is shown.

    Plain lists because indexing numpy arrays one scalar at a time is slower than building the
    evidence itself; everything that touches all runs or all entries stays vectorised.
    """

    def __init__(self, credit: RouteCredit, track: CleanTrack,
                 vehicles: Mapping[int, VehicleInfo]) -> None:
        first, last = credit.run_first_fix, credit.run_last_fix
        self._n = len(first)
        self._vehicle_ids = credit.run_vehicle
        self._confirmed_mask = credit.run_confirmed
        self._started_a = track.fixes.t[first]
        self._vehicle = credit.run_vehicle.tolist()
        self._direction = credit.run_direction.tolist()
        self._confirmed = credit.run_confirmed.tolist()
        self._m_from = np.round(credit.run_m_from, 1).tolist()
        self._m_to = np.round(credit.run_m_to, 1).tolist()
        self._started = self._started_a.tolist()
        self._ended = track.fixes.t[last].tolist()
        self._fixes = credit.run_fixes.tolist()
        self._black_box = (track.black_box_before[last + 1]
                           - track.black_box_before[first] > 0).tolist()
        self._shown: dict[int, RunEvidence] = {}  # a run is shown in every stretch it touches
        self._sensor = {}
        for vehicle_id in set(self._vehicle):
            info = vehicles.get(vehicle_id)
            sensor = info.sensor if info is not None else None
            self._sensor[vehicle_id] = (
                (f"{sensor.describe()} on", f"{sensor.describe()} not reported by some fixes")
                if sensor is not None else ("", "no equipment sensor configured"))

    def by_stretch(self, stretch_of_bin: IntArray, table: BinTable, limit: int
                   ) -> list[tuple[int, tuple[RunEvidence, ...], tuple[int, ...]]]:
        """Per stretch: how many runs touched it, the ones shown, the confirmed vehicles."""
        count = int(stretch_of_bin[-1]) + 1 if len(stretch_of_bin) else 0
        out: list[tuple[int, tuple[RunEvidence, ...], tuple[int, ...]]] = [
            (0, (), ()) for _ in range(count)]
        if self._n == 0 or len(table.entry_bin) == 0:
            return out
        key = np.unique(stretch_of_bin[table.entry_bin] * self._n + table.entry_run)
        stretch, run = key // self._n, key % self._n
        order = np.lexsort((self._started_a[run], stretch))
        stretch, run = stretch[order], run[order]
        lo = np.searchsorted(stretch, np.arange(count), side="left").tolist()
        hi = np.searchsorted(stretch, np.arange(count), side="right").tolist()
        confirmed = self._confirmed_mask[run]
        vkey = np.unique(stretch[confirmed].astype(np.int64) * (1 << 32)
                         + self._vehicle_ids[run[confirmed]])
        v_stretch, v_id = (vkey >> 32).tolist(), (vkey & 0xFFFFFFFF).tolist()
        served_by: dict[int, list[int]] = {}
        for s, v in zip(v_stretch, v_id, strict=True):
            served_by.setdefault(s, []).append(v)
        runs = run.tolist()
        for s in range(count):
            mine = runs[lo[s]:hi[s]]
            shown = mine if len(mine) <= limit else mine[:max(limit - 1, 0)] + mine[-1:]
            out[s] = (len(mine), tuple(self._one(r) for r in shown[:limit]) if limit > 0 else (),
                      tuple(served_by.get(s, ())))
        return out

    def _one(self, r: int) -> RunEvidence:
        shown = self._shown.get(r)
        if shown is None:
            shown = self._shown[r] = self._evidence(r)
        return shown

    def _evidence(self, r: int) -> RunEvidence:
        vehicle_id = self._vehicle[r]
        confirmed = self._confirmed[r]
        return RunEvidence(
            vehicle_id=vehicle_id, direction=DIRECTION_NAMES[self._direction[r]],
            confirmed=confirmed, sensor=self._sensor[vehicle_id][0 if confirmed else 1],
            m_from=self._m_from[r], m_to=self._m_to[r], started=self._started[r],
            ended=self._ended[r], fixes=self._fixes[r], black_box=self._black_box[r])


def _gaps(credit: RouteCredit, track: CleanTrack, m_from: float,
          m_to: float) -> tuple[GapEvidence, ...]:
    over = np.flatnonzero((credit.gap_m_to >= m_from) & (credit.gap_m_from <= m_to))
    out = []
    for g in over.tolist():
        a, b = int(credit.gap_from_fix[g]), int(credit.gap_to_fix[g])
        out.append(GapEvidence(
            vehicle_id=int(track.fixes.vehicle[a]),
            last_fix_before=float(track.fixes.t[a]), first_fix_after=float(track.fixes.t[b]),
            gap_s=float(track.fixes.t[b] - track.fixes.t[a]),
            gap_m=round(float(np.hypot(track.x[b] - track.x[a], track.y[b] - track.y[a])), 1),
            m_from=round(float(credit.gap_m_from[g]), 1),
            m_to=round(float(credit.gap_m_to[g]), 1)))
    return tuple(out)
