"""WGS-84 <-> the city's metric CRS, so that distances, buffers and offsets are in metres.

Everything stored and served is WGS-84 lon/lat (GeoJSON order); everything measured is done in
UTM zone 53N (EPSG:32653), where Komsomolsk-on-Amur lies, with a scale error under 0.1 %.
Transformers are built with ``always_xy=True`` so that the axis order is lon/lat (x/y) on both
sides and never the authority's lat/lon. pyproj >= 3.1 makes a Transformer safe to share
between threads, so one cached instance per CRS pair serves the whole process.

The ``import-untyped`` code is disabled for this file only because shapely 2 ships no type
information; with stubs installed the comment is simply inert.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final, TypeVar

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

__all__ = [
    "METRIC_CRS",
    "WGS84",
    "Projection",
    "geometry_to_metric",
    "geometry_to_wgs84",
    "projection_for",
    "to_metric",
    "to_metric_array",
    "to_wgs84",
    "to_wgs84_array",
]

WGS84: Final = "EPSG:4326"
#: UTM zone 53N: the city (about 137.0 E) is 2 degrees east of the zone's central meridian.
METRIC_CRS: Final = "EPSG:32653"

FloatArray = npt.NDArray[np.float64]
G = TypeVar("G", bound=BaseGeometry)


@dataclass(frozen=True, slots=True)
class Projection:
    """A pair of transformers between WGS-84 and one metric CRS (the configured one)."""

    metric_crs: str
    _forward: Transformer
    _inverse: Transformer

    def to_metric(self, lon: float, lat: float) -> tuple[float, float]:
        """WGS-84 degrees to metric (x, y) metres."""
        x, y = self._forward.transform(lon, lat)
        return float(x), float(y)

    def to_wgs84(self, x: float, y: float) -> tuple[float, float]:
        """Metric (x, y) metres to WGS-84 (lon, lat) degrees."""
        lon, lat = self._inverse.transform(x, y)
        return float(lon), float(lat)

    def to_metric_array(
        self, lon: npt.ArrayLike, lat: npt.ArrayLike
    ) -> tuple[FloatArray, FloatArray]:
        """Vectorised to_metric: one call for a whole track instead of one per fix."""
        x, y = self._forward.transform(_floats(lon), _floats(lat))
        return _floats(x), _floats(y)

    def to_wgs84_array(self, x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Vectorised to_wgs84, returning (lon, lat) arrays."""
        lon, lat = self._inverse.transform(_floats(x), _floats(y))
        return _floats(lon), _floats(lat)

    def geometry_to_metric(self, geometry: G) -> G:
        """The same shapely geometry with WGS-84 coordinates replaced by metric ones."""
        return _transform(geometry, self._forward)

    def geometry_to_wgs84(self, geometry: G) -> G:
        """The same shapely geometry with metric coordinates replaced by WGS-84 ones."""
        return _transform(geometry, self._inverse)


@lru_cache(maxsize=8)
def projection_for(metric_crs: str = METRIC_CRS) -> Projection:
    """The (cached) projection for a metric CRS such as "EPSG:32653"; PROJ set-up is not free."""
    forward = Transformer.from_crs(WGS84, metric_crs, always_xy=True)
    inverse = Transformer.from_crs(metric_crs, WGS84, always_xy=True)
    return Projection(metric_crs, forward, inverse)


def to_metric(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 (lon, lat) to UTM 53N (x, y) metres."""
    return projection_for().to_metric(lon, lat)


def to_wgs84(x: float, y: float) -> tuple[float, float]:
    """UTM 53N (x, y) metres to WGS-84 (lon, lat)."""
    return projection_for().to_wgs84(x, y)


def to_metric_array(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Arrays of WGS-84 lon and lat to arrays of UTM 53N x and y."""
    return projection_for().to_metric_array(lon, lat)


def to_wgs84_array(x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Arrays of UTM 53N x and y to arrays of WGS-84 lon and lat."""
    return projection_for().to_wgs84_array(x, y)


def geometry_to_metric(geometry: G) -> G:
    """A shapely geometry in WGS-84 lon/lat, re-expressed in UTM 53N metres."""
    return projection_for().geometry_to_metric(geometry)


def geometry_to_wgs84(geometry: G) -> G:
    """A shapely geometry in UTM 53N metres, re-expressed in WGS-84 lon/lat."""
    return projection_for().geometry_to_wgs84(geometry)


def _floats(values: npt.ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def _transform(geometry: G, transformer: Transformer) -> G:
    def apply(coords: FloatArray) -> FloatArray:
        # shapely hands over an (N, 2) array of x/y; a Z, if any, is dropped (the city is 2-D).
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack((_floats(x), _floats(y)))

    result: G = shapely.transform(geometry, apply)
    return result
