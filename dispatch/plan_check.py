"""Is the clearing plan sound? Streets claimed twice, streets claimed by none, crews too thin.

- **claimed twice**: two routes of the same treatment along the same street for at least
  ``min_shared_m`` (one within ``corridor_m`` of the other): both contractors will bill it,
  or each will count on the other;
- **claimed by none**: pieces of the city's street network at least ``min_shared_m`` long
  outside every live route's corridor. The network is every line ever drawn as a route (a
  route moved to the bin leaves its street behind) and, when imported, the street network
  (``routes import --network``);
- **capacity**: per contractor and treatment, the work its routes need (length × passes ×
  directions) against what its machines with a fitting tool clear in an hour at the
  treatment's working speed (``dispatch.breach_forecast.DEFAULT_WORKING_KMH``): the hours it
  takes, against the tightest norm among those routes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely import LineString

from dispatch.breach_forecast import DEFAULT_WORKING_KMH
from dispatch.equipment import VehicleInfo
from dispatch.projection import Projection
from dispatch.routes import Route, RouteError, validate_line
from dispatch.sheets import decimal

__all__ = ["ContractorLoad", "NetworkStreet", "Overlap", "PlanCheck", "PlanParams",
           "Unclaimed", "check_plan", "parse_network", "plan_document", "plan_text"]

Coordinates = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class PlanParams:
    corridor_m: float = 15.0
    min_shared_m: float = 50.0


@dataclass(frozen=True, slots=True)
class NetworkStreet:
    name: str
    coordinates: Coordinates


@dataclass(frozen=True, slots=True)
class Overlap:
    treatment: str
    routes: tuple[tuple[int | None, str, str | None], ...]  # (id, name, contractor) of each
    length_m: float
    coordinates: tuple[Coordinates, ...]


@dataclass(frozen=True, slots=True)
class Unclaimed:
    name: str
    length_m: float
    coordinates: tuple[Coordinates, ...]


@dataclass(frozen=True, slots=True)
class ContractorLoad:
    contractor: str
    treatment: str
    routes: int
    work_km: float  # length x passes x directions
    vehicles: int
    capacity_kmh: float
    hours_needed: float | None  # None: no machine to do it
    norm_h: float  # the tightest norm among its routes
    enough: bool


@dataclass(frozen=True, slots=True)
class PlanCheck:
    overlaps: tuple[Overlap, ...]
    unclaimed: tuple[Unclaimed, ...]
    loads: tuple[ContractorLoad, ...]


def check_plan(routes: Sequence[Route], network: Sequence[NetworkStreet],
               vehicles: Mapping[int, VehicleInfo], norms_h: Mapping[int, float],
               projection: Projection, params: PlanParams | None = None) -> PlanCheck:
    """Overlaps between ``routes``, pieces of ``network`` (plus the routes' own lines) that no
    route claims, and each contractor's load against its fleet."""
    params = params or PlanParams()
    lines = [projection.geometry_to_metric(LineString(r.coordinates)) for r in routes]
    return PlanCheck(
        overlaps=tuple(_overlaps(routes, lines, projection, params)),
        unclaimed=tuple(_unclaimed(lines, network, projection, params)),
        loads=tuple(_loads(routes, lines, vehicles, norms_h)))


def _wgs84(geometry: Any, projection: Projection) -> tuple[Coordinates, ...]:
    parts = getattr(geometry, "geoms", [geometry])
    return tuple(tuple((round(x, 7), round(y, 7)) for x, y in
                       projection.geometry_to_wgs84(part).coords)
                 for part in parts if isinstance(part, LineString) and part.length > 0)


def _overlaps(routes: Sequence[Route], lines: Sequence[LineString], projection: Projection,
              params: PlanParams) -> list[Overlap]:
    out = []
    for i, a in enumerate(routes):
        for j in range(i + 1, len(routes)):
            b = routes[j]
            if a.treatment != b.treatment:
                continue
            shared = lines[i].intersection(lines[j].buffer(params.corridor_m))
            if shared.length >= params.min_shared_m:
                out.append(Overlap(treatment=a.treatment,
                                   routes=((a.id, a.name, a.contractor),
                                           (b.id, b.name, b.contractor)),
                                   length_m=round(shared.length, 1),
                                   coordinates=_wgs84(shared, projection)))
    return sorted(out, key=lambda o: -o.length_m)


def _unclaimed(lines: Sequence[LineString], network: Sequence[NetworkStreet],
               projection: Projection, params: PlanParams) -> list[Unclaimed]:
    claimed = shapely.union_all([line.buffer(params.corridor_m) for line in lines]) \
        if lines else None
    out = []
    for street in network:
        line = projection.geometry_to_metric(LineString(street.coordinates))
        rest = line.difference(claimed) if claimed is not None else line
        pieces = [p for p in getattr(rest, "geoms", [rest])
                  if isinstance(p, LineString) and p.length >= params.min_shared_m]
        if pieces:
            out.append(Unclaimed(name=street.name,
                                 length_m=round(sum(p.length for p in pieces), 1),
                                 coordinates=_wgs84(shapely.MultiLineString(pieces),
                                                    projection)))
    return sorted(out, key=lambda u: -u.length_m)


def _loads(routes: Sequence[Route], lines: Sequence[LineString],
           vehicles: Mapping[int, VehicleInfo], norms_h: Mapping[int, float]
           ) -> list[ContractorLoad]:
    out = []
    for contractor, treatment in sorted({(r.contractor or "—", r.treatment) for r in routes}):
        mine = [(r, line) for r, line in zip(routes, lines, strict=True)
                if (r.contractor or "—") == contractor and r.treatment == treatment]
        work_km = sum(line.length * r.passes_required * len(r.required_directions)
                      for r, line in mine) / 1000.0
        fleet = [v for v in vehicles.values()
                 if (v.contractor or "—") == contractor and treatment in v.treatments]
        capacity = len(fleet) * DEFAULT_WORKING_KMH.get(treatment, DEFAULT_WORKING_KMH["plough"])
        hours = work_km / capacity if capacity else None
        norm = min(norms_h.get(r.priority, math.inf) for r, _ in mine)
        out.append(ContractorLoad(
            contractor=contractor, treatment=treatment, routes=len(mine),
            work_km=round(work_km, 2), vehicles=len(fleet), capacity_kmh=round(capacity, 1),
            hours_needed=round(hours, 2) if hours is not None else None, norm_h=norm,
            enough=hours is not None and hours <= norm))
    return out


def plan_document(check: PlanCheck) -> dict[str, Any]:
    """The check as JSON: overlaps and unclaimed pieces as GeoJSON-ready lines, the loads."""
    def lines(parts: tuple[Coordinates, ...]) -> dict[str, Any]:
        return {"type": "MultiLineString", "coordinates": [[list(c) for c in p] for p in parts]}

    return {
        "overlaps": [{"treatment": o.treatment, "length_m": o.length_m,
                      "routes": [{"id": i, "name": n, "contractor": c} for i, n, c in o.routes],
                      "geometry": lines(o.coordinates)} for o in check.overlaps],
        "unclaimed": [{"name": u.name, "length_m": u.length_m, "geometry": lines(u.coordinates)}
                      for u in check.unclaimed],
        "contractors": [{"contractor": x.contractor, "treatment": x.treatment,
                         "routes": x.routes, "work_km": x.work_km, "vehicles": x.vehicles,
                         "capacity_kmh": x.capacity_kmh, "hours_needed": x.hours_needed,
                         "norm_h": x.norm_h, "enough": x.enough} for x in check.loads]}


def plan_text(check: PlanCheck, treatment_labels: Mapping[str, str]) -> str:
    """The check as a console report in Russian."""
    out = [f"Улицы в двух маршрутах и более: {len(check.overlaps)}"]
    out += [f"  {o.length_m:8.0f} м  {treatment_labels.get(o.treatment, o.treatment)}: "
            + " и ".join(f"№ {i} {n} ({c or '—'})" for i, n, c in o.routes)
            for o in check.overlaps]
    out.append(f"Улицы сети без маршрута: {len(check.unclaimed)}")
    out += [f"  {u.length_m:8.0f} м  {u.name or 'без названия'}" for u in check.unclaimed]
    out.append("Подрядчики: работа против техники")
    for x in check.loads:
        hours = "нет техники" if x.hours_needed is None else f"{decimal(x.hours_needed, 1)} ч"
        out.append(f"  {x.contractor}, {treatment_labels.get(x.treatment, x.treatment)}: "
                   f"маршрутов {x.routes}, работы {decimal(x.work_km, 1)} км, машин "
                   f"{x.vehicles} ({decimal(x.capacity_kmh)} км/ч): {hours} при нормативе "
                   f"{decimal(x.norm_h)} ч — "
                   + ("хватает" if x.enough else "НЕ ХВАТАЕТ"))
    return "\n".join(out) + "\n"


def parse_network(text: str) -> list[NetworkStreet]:
    """Streets from a GeoJSON FeatureCollection of LineStrings or MultiLineStrings (an OSM
    export's ``name`` kept); raises ``RouteError`` naming the first bad feature."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise RouteError(f"line {e.lineno}", f"not JSON: {e.msg}") from e
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise RouteError("document", "expected a GeoJSON FeatureCollection")
    out = []
    for index, feature in enumerate(features):
        where = f"feature {index}"
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in ("LineString", "MultiLineString"):
            raise RouteError(where, "geometry must be a LineString or MultiLineString")
        assert isinstance(geometry, dict)
        parts = [geometry["coordinates"]] if kind == "LineString" else geometry["coordinates"]
        name = str((feature.get("properties") or {}).get("name") or "")
        for part in parts:
            try:
                coordinates = tuple((float(c[0]), float(c[1])) for c in part)
            except (TypeError, ValueError, IndexError) as e:
                raise RouteError(where, "coordinates must be [lon, lat] pairs") from e
            validate_line(coordinates, where)
            out.append(NetworkStreet(name=name, coordinates=coordinates))
    return out
