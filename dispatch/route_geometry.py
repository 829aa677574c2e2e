"""A route in metres: its line, its corridor and its bins, ready for bulk point tests.

Everything is measured in the city's UTM zone (EPSG:32653), where a metre is a metre to 0.1 %.
Positions along the route ("m", metres from the first vertex) come from projecting onto the line
*extended* by ``end_extension_m`` along its first and last segments (and beyond it along the
prolonged end segments): a plough that enters the street from its end is at m < 0 a moment
before it reaches the first vertex, so its movement onto the street progresses along the route
instead of being clamped to 0. Bins are only ever counted inside [0, L].
The corridor is the extended line buffered by the route's half-width with flat ends; the
*search area* is the same buffer grown by a margin, so that the fixes of a noisy track that
stray a little outside the corridor still take part in fitting its movement. Both are
*prepared* once so that ``intersects_xy`` tests millions of fixes at C speed.

Bins: a route of length L gets n = max(1, round(L / bin_m)) equal bins, so every bin has the same
length and the length-weighted coverage is a plain count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import LineString, Polygon

from dispatch.fixes import BoolArray, FloatArray, IntArray
from dispatch.projection import Projection
from dispatch.routes import Route

__all__ = ["RouteGeometry"]

_NUMPY_SEGMENTS = 48  # up to this many segments numpy projects faster than building Points
_CHUNK = 65_536  # points per numpy block: bounds the (points x segments) temporaries
_SAME_M = 1e-6  # a vertex this close to a stretch's end is that end (float error of the sums)


@dataclass(frozen=True, slots=True, eq=False)
class RouteGeometry:
    """One route's metric line, prepared corridor, vertex table and bin layout."""

    route: Route
    line: LineString
    corridor: Polygon
    search: Polygon
    extended: LineString
    xs: FloatArray  # vertices of the extended line
    ys: FloatArray
    cum: FloatArray  # m at each vertex of the extended line: -extension .. L + extension
    length: float
    extension: float
    n_bins: int
    bin_len: float

    @classmethod
    def build(cls, route: Route, projection: Projection, bin_m: float,
              end_extension_m: float = 0.0, search_margin_m: float = 0.0) -> RouteGeometry:
        lon = np.array([c[0] for c in route.coordinates])
        lat = np.array([c[1] for c in route.coordinates])
        x, y = projection.to_metric_array(lon, lat)
        keep = np.concatenate(([True], np.hypot(np.diff(x), np.diff(y)) > 1e-6))
        x, y = x[keep], y[keep]
        line = LineString(np.column_stack((x, y)))
        length = float(np.hypot(np.diff(x), np.diff(y)).sum())
        ex, ey = _extend(x, y, end_extension_m)
        extended = LineString(np.column_stack((ex, ey)))
        corridor = extended.buffer(route.half_width_m, quad_segs=8, cap_style="flat")
        search = extended.buffer(route.half_width_m + search_margin_m, quad_segs=8,
                                 cap_style="flat")
        assert isinstance(corridor, Polygon) and isinstance(search, Polygon)
        shapely.prepare(corridor)
        shapely.prepare(search)
        cum = np.concatenate(([0.0], np.cumsum(np.hypot(np.diff(ex), np.diff(ey)))))
        n_bins = max(1, int(round(length / bin_m)))
        return cls(route=route, line=line, corridor=corridor, search=search, extended=extended,
                   xs=ex, ys=ey,
                   cum=cum - end_extension_m, length=length, extension=end_extension_m,
                   n_bins=n_bins, bin_len=length / n_bins)

    @property
    def length_m(self) -> float:
        return self.length

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """The search area's bounding box."""
        minx, miny, maxx, maxy = self.search.bounds
        return float(minx), float(miny), float(maxx), float(maxy)

    def contains(self, x: FloatArray, y: FloatArray) -> BoolArray:
        """Which points lie in the corridor (boundary included)."""
        inside: BoolArray = shapely.intersects_xy(self.corridor, x, y)
        return inside

    def searched(self, x: FloatArray, y: FloatArray) -> BoolArray:
        """Which points lie in the search area (the corridor grown by the search margin)."""
        inside: BoolArray = shapely.intersects_xy(self.search, x, y)
        return inside

    def axial(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(m, signed offset to the left of the route) of each point.

        m is measured to the nearest point of the extended line. Past either end of it, m and
        the offset are measured along and across the prolonged end segment, so a fix far out
        on the street's continuation gets an m beyond the route and a small offset, while one
        on a side street gets a large offset.
        """
        if len(x) == 0:
            return np.zeros(0), np.zeros(0)
        seg, frac = self._nearest(x, y)
        dx, dy = np.diff(self.xs)[seg], np.diff(self.ys)[seg]
        length = np.hypot(dx, dy)
        ux, uy = dx / length, dy / length
        rx = x - (self.xs[seg] + frac * dx)
        ry = y - (self.ys[seg] + frac * dy)
        across = ux * ry - uy * rx
        beyond = ((seg == 0) & (frac <= 0.0)) | ((seg == len(self.xs) - 2) & (frac >= 1.0))
        m = self.cum[seg] + frac * length
        m = np.where(beyond, m + ux * rx + uy * ry, m)
        offset: FloatArray = np.where(beyond, across, np.copysign(np.hypot(rx, ry), across))
        return m, offset

    def direction_at(self, m: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Unit vector (east, north) of the route as drawn at each m (grid north; within
        2 degrees of true north in the city's zone)."""
        seg = np.clip(np.searchsorted(self.cum, m, side="right") - 1, 0, len(self.cum) - 2)
        dx, dy = np.diff(self.xs)[seg], np.diff(self.ys)[seg]
        length = np.hypot(dx, dy)
        return dx / length, dy / length

    def _nearest(self, x: FloatArray, y: FloatArray) -> tuple[IntArray, FloatArray]:
        """The nearest segment of the extended line to each point, and the fraction along it.

        Few segments: a numpy projection onto every segment at once (no Point objects to
        build); many: GEOS's ``line_locate_point``. Both take the first of equally near
        segments, so they agree.
        """
        if len(self.xs) - 1 <= _NUMPY_SEGMENTS:
            parts = [self._project(x[i:i + _CHUNK], y[i:i + _CHUNK])
                     for i in range(0, len(x), _CHUNK)]
            return (np.concatenate([p[0] for p in parts]),
                    np.concatenate([p[1] for p in parts]))
        m = np.asarray(shapely.line_locate_point(self.extended, shapely.points(x, y)),
                       dtype=np.float64) - self.extension
        seg = np.clip(np.searchsorted(self.cum, m, side="right") - 1, 0, len(self.cum) - 2)
        frac = (m - self.cum[seg]) / np.diff(self.cum)[seg]
        return seg, frac

    def _project(self, x: FloatArray, y: FloatArray) -> tuple[IntArray, FloatArray]:
        """Nearest segment and fraction along it; (points x segments) arrays, worked in place
        because memory traffic is what this costs."""
        dx, dy = np.diff(self.xs), np.diff(self.ys)
        px = np.subtract.outer(x, self.xs[:-1])
        py = np.subtract.outer(y, self.ys[:-1])
        along = px * dx
        along += py * dy
        along *= 1.0 / (dx * dx + dy * dy)
        np.clip(along, 0.0, 1.0, out=along)
        px -= along * dx  # the residual from each segment's nearest point ...
        py -= along * dy
        px *= px  # ... squared
        py *= py
        px += py
        nearest = np.argmin(px, axis=1)
        frac: FloatArray = along[np.arange(len(x)), nearest]
        return nearest, frac

    def point_at(self, m: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Points of the extended line at distances m (clamped to its ends)."""
        return np.interp(m, self.cum, self.xs), np.interp(m, self.cum, self.ys)

    def bin_range(self, lo: FloatArray, hi: FloatArray) -> tuple[FloatArray, FloatArray]:
        """First and past-the-last bin whose midpoint lies in [lo, hi) (as float arrays)."""
        first = np.clip(np.ceil(lo / self.bin_len - 0.5), 0, self.n_bins)
        past = np.clip(np.ceil(hi / self.bin_len - 0.5), 0, self.n_bins)
        return first, past

    def stretches_coordinates(self, bounds: list[tuple[float, float]],
                              projection: Projection) -> list[tuple[tuple[float, float], ...]]:
        """WGS-84 (lon, lat) positions of the route between each pair of distances.

        One projection call for all the stretches of a route: the vertices strictly inside
        each [m_from, m_to] plus the two interpolated ends (rounded to 1e-7 degrees, ~1 cm).
        A vertex at an end (the route's first, say, at m 1e-13 after the extension is
        subtracted) is that end, not a second position on top of it.
        """
        inner = slice(1, -1) if self.extension > 0 else slice(None)
        vx, vy, vm = self.xs[inner], self.ys[inner], self.cum[inner]
        pieces, sizes = [], []
        for m_from, m_to in bounds:
            lo, hi = max(0.0, m_from), min(self.length, m_to)
            i0, i1 = np.searchsorted(vm, [lo, hi], side="right")
            inner_m = vm[i0:i1]
            inner_m = inner_m[(inner_m > lo + _SAME_M) & (inner_m < hi - _SAME_M)]
            ms = np.concatenate(([lo], inner_m, [hi]))
            pieces.append(ms)
            sizes.append(len(ms))
        if not pieces:
            return []
        ms = np.concatenate(pieces)
        lon, lat = projection.to_wgs84_array(np.interp(ms, vm, vx), np.interp(ms, vm, vy))
        lon, lat = np.round(lon, 7).tolist(), np.round(lat, 7).tolist()
        out, at = [], 0
        for size in sizes:
            out.append(tuple(zip(lon[at:at + size], lat[at:at + size], strict=True)))
            at += size
        return out

    def heading_cos(self, m_a: FloatArray, m_b: FloatArray, dx: FloatArray,
                    dy: FloatArray) -> FloatArray:
        """cos of the angle between each movement (dx, dy) and the route from m_a to m_b.

        The reference is the chord of the route stretch the pair covers, so a pair across a bend
        is judged against the bend, not against one leg of it. NaN where either is a point.
        """
        ax, ay = self.point_at(m_a)
        bx, by = self.point_at(m_b)
        cx, cy = bx - ax, by - ay
        norm = np.hypot(cx, cy) * np.hypot(dx, dy)
        with np.errstate(invalid="ignore", divide="ignore"):
            cos: FloatArray = np.where(norm > 0, (cx * dx + cy * dy) / norm, math.nan)
        return cos


def _extend(x: FloatArray, y: FloatArray, by: float) -> tuple[FloatArray, FloatArray]:
    """The polyline with both ends prolonged by ``by`` metres along their end segments."""
    if by <= 0:
        return x, y
    ux0, uy0 = x[0] - x[1], y[0] - y[1]
    ux1, uy1 = x[-1] - x[-2], y[-1] - y[-2]
    n0, n1 = math.hypot(ux0, uy0), math.hypot(ux1, uy1)
    head = (x[0] + ux0 / n0 * by, y[0] + uy0 / n0 * by)
    tail = (x[-1] + ux1 / n1 * by, y[-1] + uy1 / n1 * by)
    return (np.concatenate(([head[0]], x, [tail[0]])),
            np.concatenate(([head[1]], y, [tail[1]])))
