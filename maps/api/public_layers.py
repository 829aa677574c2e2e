"""What the city's public map shows, built field by field from whitelists.

Both the served ``/public/`` page and ``maps export`` draw one document made here, so they can
never differ in what they reveal. Vehicles keep only their kind and a delayed, rounded place;
marks only when flagged public and still in force; streets only their name, kind of work and
how long ago they were last served, taken from the coverage engine's stretches. Terminal
identifiers, IMEIs, plates, contractors, vehicle names and internal marks never enter it.

Times are shown in the city's zone with the offset written out ("05.12.2026 14:30 (UTC+10)"),
so a page opened anywhere reads the same clock as the street.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from dispatch.coverage import CoverageResult
from maps.styles import MARK_STATUS_LABELS, TREATMENT_STYLES, kind_style

__all__ = [
    "DEFAULT_BAND_HOURS",
    "DEFAULT_WINDOW_H",
    "NEVER_COLOUR",
    "PublicSnapshot",
    "RoutePiece",
    "ServiceBand",
    "local_label",
    "public_document",
    "route_pieces",
    "service_bands",
]

#: From "just cleared" to "long ago": ColorBrewer's RdYlGn, which stays readable for the common
#: red-green deficiencies thanks to its lightness ramp; bands pick evenly spaced entries.
_PALETTE: Final = ("#1a9850", "#66bd63", "#a6d96a", "#fdae61", "#f46d43", "#d73027")
NEVER_COLOUR: Final = "#9e9e9e"
#: The defaults of ``[public] band_hours`` and ``service_window_h`` (pages without settings).
DEFAULT_BAND_HOURS: Final = (3.0, 6.0, 12.0)
DEFAULT_WINDOW_H: Final = 24.0


@dataclass(frozen=True, slots=True)
class ServiceBand:
    """Streets last served less than ``below_h`` hours ago (None: any longer, in the window)."""

    key: str
    below_h: float | None
    colour: str
    label: str


def _hours(h: float) -> str:
    return f"{h:g}".replace(".", ",")


def service_bands(bounds_h: Sequence[float], window_h: float) -> tuple[ServiceBand, ...]:
    """The bands for increasing bounds (3, 6, 12: < 3 h, 3–6 h, 6–12 h, > 12 h), then "never"
    (nothing within ``window_h``)."""
    n = len(bounds_h) + 1
    colours = [_PALETTE[round(i * (len(_PALETTE) - 1) / (n - 1))] for i in range(n)]
    bands = [ServiceBand(f"band{i}", bound, colours[i],
                         f"менее {_hours(bound)} ч" if i == 0
                         else f"{_hours(bounds_h[i - 1])}–{_hours(bound)} ч")
             for i, bound in enumerate(bounds_h)]
    bands.append(ServiceBand(f"band{n - 1}", None, colours[-1],
                             f"более {_hours(bounds_h[-1])} ч"))
    bands.append(ServiceBand("never", None, NEVER_COLOUR,
                             f"не убиралась за {_hours(window_h)} ч"))
    return tuple(bands)


def _band_of(bands: Sequence[ServiceBand], hours: float | None) -> ServiceBand:
    if hours is None:
        return bands[-1]
    return next(b for b in bands[:-1] if b.below_h is None or hours < b.below_h)


@dataclass(frozen=True, slots=True)
class RoutePiece:
    """A stretch of a clearing route and when it was last served (None: not in the window)."""

    route_id: int
    name: str
    treatment: str
    coordinates: tuple[tuple[float, float], ...]
    last_service: datetime | None


def route_pieces(result: CoverageResult) -> list[RoutePiece]:
    """Every stretch of every route with its last service, from a coverage result."""
    return [RoutePiece(rc.route.id or 0, rc.route.name, rc.route.treatment, s.coordinates,
                       None if s.last_service is None or math.isnan(s.last_service)
                       else datetime.fromtimestamp(s.last_service, UTC))
            for rc in result.routes for s in rc.stretches]


@dataclass(frozen=True, slots=True)
class PublicSnapshot:
    """What the public map is made from, as read from the database and the coverage engine."""

    generated_at: datetime
    vehicles_at: datetime  # vehicles are shown where they were at this (delayed) time
    vehicles: Sequence[Mapping[str, Any]]  # kind, latitude, longitude
    routes: Sequence[RoutePiece]
    marks: Sequence[Mapping[str, Any]]  # public marks: layer, status, text, valid_to, geometry


def local_label(t: datetime | None, zone: ZoneInfo) -> str | None:
    """``05.12.2026 14:30 (UTC+10)``: the city's wall clock with its offset."""
    if t is None:
        return None
    local = t.astimezone(zone)
    offset = local.utcoffset()
    minutes = round(offset.total_seconds() / 60) if offset is not None else 0
    sign, minutes = ("+" if minutes >= 0 else "−"), abs(minutes)
    zone_text = f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")
    return f"{local:%d.%m.%Y %H:%M} ({zone_text})"


def _merged(pieces: Sequence[RoutePiece], bands: Sequence[ServiceBand],
            now: datetime) -> list[tuple[RoutePiece, ServiceBand]]:
    """Consecutive stretches of one route in one band become one line (fewer, longer lines)."""
    out: list[tuple[RoutePiece, ServiceBand]] = []
    for piece in pieces:
        hours = (None if piece.last_service is None
                 else max(0.0, (now - piece.last_service).total_seconds() / 3600))
        band = _band_of(bands, hours)
        if out and out[-1][0].route_id == piece.route_id and out[-1][1] == band \
                and out[-1][0].coordinates[-1] == piece.coordinates[0]:
            before = out[-1][0]
            latest = max((t for t in (before.last_service, piece.last_service) if t is not None),
                         default=None)
            out[-1] = (RoutePiece(before.route_id, before.name, before.treatment,
                                  before.coordinates + piece.coordinates[1:], latest), band)
        else:
            out.append((piece, band))
    return out


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def public_document(snapshot: PublicSnapshot, bands: Sequence[ServiceBand], *, decimals: int,
                    zone: ZoneInfo) -> dict[str, Any]:
    """The public layers as GeoJSON, with the times they describe; JSON-ready."""
    treatments = {t.treatment: t.label for t in TREATMENT_STYLES}
    routes = [{
        "type": "Feature",
        "geometry": {"type": "LineString",
                     "coordinates": [[round(lon, 6), round(lat, 6)]
                                     for lon, lat in piece.coordinates]},
        "properties": {"name": piece.name, "treatment": treatments.get(piece.treatment, ""),
                       "last_service": local_label(piece.last_service, zone),
                       "band": band.key, "since": band.label, "colour": band.colour},
    } for piece, band in _merged(snapshot.routes, bands, snapshot.generated_at)]
    vehicles = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(v["longitude"], decimals),
                                                      round(v["latitude"], decimals)]},
        "properties": {"kind": kind_style(v["kind"]).kind,
                       "label": kind_style(v["kind"]).label},
    } for v in snapshot.vehicles]
    marks = [{
        "type": "Feature", "geometry": m["geometry"],
        "properties": {"layer": m["layer"],
                       "status": MARK_STATUS_LABELS.get(m["status"], ""),
                       "text": m["text"], "valid_to": local_label(m.get("valid_to"), zone)},
    } for m in snapshot.marks]
    return {"generated_at": snapshot.generated_at.isoformat(timespec="seconds"),
            "as_of": local_label(snapshot.generated_at, zone),
            "vehicles_as_of": local_label(snapshot.vehicles_at, zone),
            "routes": _collection(routes), "vehicles": _collection(vehicles),
            "marks": _collection(marks)}
