"""Scenario generator: streets with a known truth, driven by terminals the way real ones report.

Each scenario class draws, from a seed, a street (straight or a bent polyline), how it is
worked (speed 5-45 km/h, both ways or one-way, one vehicle or two sharing it) and how the
terminal reports (every 1-90 s with a random phase, white noise of sigma up to 10 m or drifting
Gauss-Markov noise of up to 5 m, or 5-10 m in the classes beyond reach, HDOP up to 5,
reported speed and course, silences). The truth is known by construction:
the share of the street that was worked (``served_pct``) and the share only a silence hides
(``hidden_pct``: the honest verdict there is unknown). The negative classes (a crossing, a
parallel street, blade up, wrong way, out-of-band speed) have a truth of 0.

Used by the property test (a few seeds per class) and by ``tests.bench.coverage_accuracy``
(20 seeds per class). Positions are metres from the synthetic origin (``synthetic.lonlat``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import LineString

from dispatch.coverage import compute_coverage
from dispatch.equipment import VehicleInfo
from dispatch.fixes import FixArrays
from dispatch.projection import to_wgs84_array
from dispatch.routes import Route
from tests.dispatch.synthetic import ORIGIN_XY, T0, plough, street, window

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Noise:
    """GPS error per axis: white (tau None) or first-order Gauss-Markov with time constant tau."""

    sigma_m: float
    tau_s: float | None = None

    def sample(self, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        white = rng.normal(0.0, self.sigma_m, size=(len(t), 2))
        if self.tau_s is None or len(t) == 0:
            return white
        out = np.empty_like(white)
        out[0] = white[0]
        phi = np.exp(-np.diff(t) / self.tau_s)
        for i in range(1, len(t)):
            out[i] = phi[i - 1] * out[i - 1] + math.sqrt(1 - phi[i - 1] ** 2) * white[i]
        return out


@dataclass(frozen=True, slots=True)
class Terminal:
    """How a vehicle's terminal reports: interval, noise, and a stretch it is silent over."""

    interval_s: float
    noise: Noise
    silent_between_m: tuple[float, float] | None = None  # distance along the driven path


@dataclass(frozen=True, slots=True)
class Scenario:
    routes: list[Route]
    fixes: FixArrays
    vehicles: dict[int, VehicleInfo]
    served_pct: float  # truth: share of the route worked and seen
    hidden_pct: float = 0.0  # share worked (or not) while the terminal was silent

    def run(self) -> dict[str, float]:
        """The engine's verdict in percent of the route length: served, unknown, not served."""
        result = compute_coverage(self.routes, self.fixes, self.vehicles, window=window(24),
                                  now=T0)
        (rc,) = result.routes
        return {state: 100.0 * rc.state_m[state] / rc.length_m
                for state in ("served", "partial", "unknown", "not_served")}


def drive(vehicle_id: int, path: Sequence[Point], speed_kmh: float, terminal: Terminal,
          rng: np.random.Generator, *, blade: bool = True, start_s: float = 0.0) -> FixArrays:
    """Fixes of a vehicle driving ``path`` at a constant speed, reported by ``terminal``."""
    line = LineString(path)
    speed = speed_kmh / 3.6
    phase = rng.uniform(0.0, terminal.interval_s)
    t = np.arange(phase, line.length / speed, terminal.interval_s)
    d = t * speed
    if terminal.silent_between_m is not None:
        lo, hi = terminal.silent_between_m
        keep = (d < lo) | (d > hi)
        t, d = t[keep], d[keep]
    points = shapely.line_interpolate_point(line, d)
    x, y = shapely.get_x(points), shapely.get_y(points)
    ahead = shapely.line_interpolate_point(line, np.minimum(d + 1.0, line.length))
    course = np.degrees(np.arctan2(shapely.get_x(ahead) - x, shapely.get_y(ahead) - y)) % 360
    error = terminal.noise.sample(t, rng)
    lon, lat = to_wgs84_array(ORIGIN_XY[0] + x + error[:, 0], ORIGIN_XY[1] + y + error[:, 1])
    n = len(t)
    stamps = T0.timestamp() + start_s + t
    return FixArrays(
        vehicle=np.full(n, vehicle_id, dtype=np.int64), t=stamps, lon=lon, lat=lat,
        speed_kmh=np.round(np.maximum(speed_kmh + rng.normal(0, 0.5, n), 0.0), 1),
        course_deg=np.round((course + rng.normal(0, 3.0, n)) % 360, 0),
        valid=np.ones(n, dtype=np.bool_), satellites=np.full(n, 9, dtype=np.int64),
        hdop=np.full(n, min(5.0, max(0.8, terminal.noise.sigma_m / 2.0))),
        inputs=np.full(n, 1 if blade else 0, dtype=np.int64),
        sensor_value=np.full(n, np.nan), black_box=np.zeros(n, dtype=np.bool_),
        received=stamps + 1.0)


def extended(points: Sequence[Point], before: float, after: float) -> list[Point]:
    """The polyline prolonged along its end segments: the street continues past the route."""
    (x0, y0), (x1, y1) = points[0], points[1]
    (xa, ya), (xb, yb) = points[-2], points[-1]
    n0, n1 = math.dist(points[0], points[1]), math.dist(points[-2], points[-1])
    head = (x0 - (x1 - x0) / n0 * before, y0 - (y1 - y0) / n0 * before)
    tail = (xb + (xb - xa) / n1 * after, yb + (yb - ya) / n1 * after)
    return [head, *points, tail]


def there_and_back(points: Sequence[Point], lead_m: float, lane_m: float = 4.0) -> list[Point]:
    """Out along the street (with a lead-in and lead-out on its axis) and back one lane over."""
    out = extended(points, lead_m, lead_m)
    back = LineString(out).offset_curve(-lane_m)
    return [*out, *reversed(list(back.coords))]


def straight() -> list[Point]:
    return [(0.0, 0.0), (1000.0, 0.0)]


def bent(rng: np.random.Generator) -> list[Point]:
    """Six segments of 150-200 m turning by up to 40 degrees at each vertex."""
    points, heading = [(0.0, 0.0)], 0.0
    for _ in range(6):
        heading += math.radians(rng.uniform(-40, 40))
        length = rng.uniform(150, 200)
        x, y = points[-1]
        points.append((x + length * math.cos(heading), y + length * math.sin(heading)))
    return points


#: Noise kinds: white of sigma 2-10 m, or drifting (Gauss-Markov, tau 20-90 s) of 2-5 m or
#: 5-10 m. "mixed" draws white or drift-5 per scenario.
NOISE_SIGMA = {"white": (2.0, 10.0), "drift-5": (2.0, 5.0), "drift-10": (5.0, 10.0)}


def _terminal(rng: np.random.Generator, intervals: tuple[float, float],
              noise: str = "mixed") -> Terminal:
    interval = float(rng.choice([1.0, 2.0, 3.0])) if intervals == (1.0, 3.0) else float(
        rng.uniform(*intervals))
    if noise == "mixed":
        noise = "drift-5" if rng.integers(2) else "white"
    sigma = float(rng.uniform(*NOISE_SIGMA[noise]))
    tau = None if noise == "white" else float(rng.uniform(20, 90))
    return Terminal(interval, Noise(sigma, tau))


def _lead(speed_kmh: float, terminal: Terminal) -> float:
    return 60.0 + speed_kmh / 3.6 * terminal.interval_s * 1.2


def _worked(seed: int, *, intervals: tuple[float, float], noise: str = "white",
            shape: str = "straight", one_way: bool = False) -> Scenario:
    rng = np.random.default_rng(seed)
    points = straight() if shape == "straight" else bent(rng)
    speed = float(rng.uniform(5.0, 45.0))
    terminal = _terminal(rng, intervals, noise)
    lead = _lead(speed, terminal)
    path = extended(points, lead, lead) if one_way else there_and_back(points, lead)
    route = street(1, points, direction="as_drawn" if one_way else "both")
    return Scenario([route], drive(7, path, speed, terminal, rng), {7: plough(7)}, 100.0)


def _side_streets(seed: int) -> Scenario:
    """One-way, turning in from a side street at the start and out to one at the end."""
    rng = np.random.default_rng(seed)
    speed = float(rng.uniform(5.0, 45.0))
    terminal = _terminal(rng, (1.0, 10.0))
    lead = _lead(speed, terminal)
    side = float(rng.choice([-1.0, 1.0]))
    path = [(0.0, side * lead), (0.0, 0.0), (1000.0, 0.0), (1000.0, -side * lead)]
    return Scenario([street(1, straight(), direction="as_drawn")],
                    drive(7, path, speed, terminal, rng), {7: plough(7)}, 100.0)


def _two_vehicles(seed: int) -> Scenario:
    """Two ploughs share a street, each working a little over half of it both ways."""
    rng = np.random.default_rng(seed)
    speed = float(rng.uniform(5.0, 45.0))
    parts = []
    for vehicle_id, (a, b) in ((7, (0.0, 600.0)), (8, (400.0, 1000.0))):
        terminal = _terminal(rng, (1.0, 10.0))
        lead = _lead(speed, terminal)
        path = there_and_back([(a, 0.0), (b, 0.0)], lead)
        parts.append(drive(vehicle_id, path, speed, terminal, rng))
    return Scenario([street(1, straight())], FixArrays.concat(parts),
                    {7: plough(7), 8: plough(8)}, 100.0)


def _silence(seed: int) -> Scenario:
    """A one-way pass whose terminal is silent over 200-400 m of the street, from 1-10 s.

    What the silence hides runs from the last fix before it to the first fix after it.
    """
    rng = np.random.default_rng(seed)
    speed = float(rng.uniform(5.0, 45.0))
    start, length = float(rng.uniform(200, 400)), float(rng.uniform(200, 400))
    terminal = _terminal(rng, (1.0, 10.0))
    lead = _lead(speed, terminal)
    terminal = Terminal(terminal.interval_s, terminal.noise,
                        (lead + start, lead + start + length))
    fixes = drive(7, extended(straight(), lead, lead), speed, terminal, rng)
    along = (fixes.t - fixes.t[0]) * speed / 3.6 + _first_distance(fixes, speed, lead)
    before = along[along < start].max()
    after = along[along > start + length].min()
    hidden = 100.0 * (min(after, 1000.0) - max(before, 0.0)) / 1000.0
    return Scenario([street(1, straight(), direction="as_drawn")], fixes, {7: plough(7)},
                    100.0 - hidden, hidden)


def _first_distance(fixes: FixArrays, speed_kmh: float, lead: float) -> float:
    """Metres along the street (from its start) of the first fix: its time since the drive
    began, at the drive's speed, less the lead-in."""
    return (fixes.t[0] - T0.timestamp()) * speed_kmh / 3.6 - lead


def _turn_off(seed: int) -> Scenario:
    """A one-way pass over the first half, then on along a parallel street 30 m away (1-3 s:
    sparser fixes cannot say how far along the street the turn was)."""
    rng = np.random.default_rng(seed)
    speed = float(rng.uniform(5.0, 45.0))
    terminal = _terminal(rng, (1.0, 3.0))
    lead = _lead(speed, terminal)
    path = [(-lead, 0.0), (500.0, 0.0), (500.0, 30.0), (1000.0 + lead, 30.0)]
    return Scenario([street(1, straight(), direction="as_drawn")],
                    drive(7, path, speed, terminal, rng), {7: plough(7)}, 50.0)


def _turn_back(seed: int) -> Scenario:
    """Up the street and back from a U-turn 300-700 m in (1-3 s: sparser fixes cannot say
    where the turn was)."""
    rng = np.random.default_rng(seed)
    speed = float(rng.uniform(5.0, 45.0))
    terminal = _terminal(rng, (1.0, 3.0))
    lead = _lead(speed, terminal)
    turn = float(rng.uniform(300, 700))
    path = [(-lead, 0.0), (turn, 0.0), (turn, 4.0), (-lead, 4.0)]
    return Scenario([street(1, straight())], drive(7, path, speed, terminal, rng),
                    {7: plough(7)}, turn / 10.0)


def _sparse(seed: int) -> Scenario:
    """A terminal reporting every 61-90 s: every pause is a silence, the street is unknown."""
    rng = np.random.default_rng(seed)
    speed = float(rng.uniform(5.0, 45.0))
    terminal = Terminal(float(rng.uniform(61, 90)), Noise(float(rng.uniform(2, 10))))
    lead = _lead(speed, terminal)
    fixes = drive(7, there_and_back(straight(), lead), speed, terminal, rng)
    return Scenario([street(1, straight())], fixes, {7: plough(7)}, 0.0, 100.0)


def _negative(seed: int, kind: str, noise: str = "mixed") -> Scenario:
    """Movements that must earn nothing on the street along y = 0."""
    rng = np.random.default_rng(seed)
    speed = float(rng.uniform(5.0, 45.0))
    terminal = _terminal(rng, (1.0, 30.0), noise)
    lead = _lead(speed, terminal)
    blade = True
    route = street(1, straight())
    if kind == "crossing":
        angle = math.radians(rng.uniform(60, 90))
        cx = float(rng.uniform(100, 900))
        reach = 400.0 + lead
        path = [(cx - reach * math.cos(angle), -reach * math.sin(angle)),
                (cx + reach * math.cos(angle), reach * math.sin(angle))]
    elif kind == "parallel":
        away = float(rng.uniform(30, 60)) if noise == "mixed" else 30.0
        path = there_and_back([(0.0, away), (1000.0, away)], lead)
    elif kind == "blade_up":
        path, blade = there_and_back(straight(), lead), False
    elif kind == "wrong_way":
        route = street(1, straight(), direction="as_drawn")
        path = list(reversed(extended(straight(), lead, lead)))
    else:  # out of band: too fast or crawling
        speed = float(rng.choice([rng.uniform(55, 90), rng.uniform(1, 3)]))
        path = there_and_back(straight(), _lead(speed, terminal))
    fixes = drive(7, path, speed, terminal, rng, blade=blade)
    return Scenario([route], fixes, {7: plough(7)}, 0.0)


#: name -> (how a seed becomes a scenario). The benchmark runs them all; the property test all
#: but the classes in BEYOND_REACH.
CLASSES: dict[str, Callable[[int], Scenario]] = {
    "straight both ways, 1-3 s, white": lambda s: _worked(s, intervals=(1.0, 3.0)),
    "straight both ways, 1-3 s, drift 2-5 m": lambda s: _worked(
        s, intervals=(1.0, 3.0), noise="drift-5"),
    "straight both ways, 1-3 s, drift 5-10 m": lambda s: _worked(
        s, intervals=(1.0, 3.0), noise="drift-10"),
    "straight both ways, 3-15 s, white": lambda s: _worked(s, intervals=(3.0, 15.0)),
    "straight both ways, 15-60 s, white": lambda s: _worked(s, intervals=(15.0, 60.0)),
    "straight both ways, 15-60 s, drift 2-5 m": lambda s: _worked(
        s, intervals=(15.0, 60.0), noise="drift-5"),
    "6 segments both ways, 1-10 s, white": lambda s: _worked(
        s, intervals=(1.0, 10.0), shape="bent"),
    "6 segments both ways, 1-30 s, drift 2-5 m": lambda s: _worked(
        s, intervals=(1.0, 30.0), noise="drift-5", shape="bent"),
    "one-way as drawn, 1-30 s, white": lambda s: _worked(s, intervals=(1.0, 30.0), one_way=True),
    "one-way 6 segments, 1-30 s, drift 2-5 m": lambda s: _worked(
        s, intervals=(1.0, 30.0), noise="drift-5", shape="bent", one_way=True),
    "in and out by side streets, 1-10 s": _side_streets,
    "two vehicles share a street, 1-10 s": _two_vehicles,
    "turns back mid-street, 1-3 s": _turn_back,
    "turns onto a parallel street 30 m away, 1-3 s": _turn_off,
    "silent over 200-400 m, 1-10 s": _silence,
    "terminal every 61-90 s": _sparse,
    "crossing at 60-90 degrees": lambda s: _negative(s, "crossing"),
    "parallel street 30-60 m away": lambda s: _negative(s, "parallel"),
    "parallel street 30 m away, drift 5-10 m": lambda s: _negative(s, "parallel", "drift-10"),
    "blade up": lambda s: _negative(s, "blade_up"),
    "wrong way on a one-way street": lambda s: _negative(s, "wrong_way"),
    "speed out of band": lambda s: _negative(s, "out_of_band"),
}

#: Drifting error of 5-10 m moves a whole track as far as a street 30 m away is from its own
#: lane; no rule on positions alone tells the two apart (see README).
BEYOND_REACH = ("straight both ways, 1-3 s, drift 5-10 m",
                "parallel street 30 m away, drift 5-10 m")
