"""Coverage results as documents: GeoJSON for the API and stored results.

GeoJSON is WGS-84 lon/lat; times are ISO 8601 with their offset (UTC). Every document carries
the parameters it was computed with and the window, so that a stored or downloaded result can
be recomputed and compared. One Feature per stretch: its state, passes per direction, service
times, the vehicles that served it and the evidence (passes and data gaps).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dispatch.coverage import CoverageResult, RouteCoverage
from dispatch.stretches import Stretch

__all__ = [
    "iso",
    "result_document",
    "route_document",
    "route_summary",
    "stretch_feature",
]


def iso(t: float | datetime | None) -> str | None:
    """ISO 8601 with offset, seconds precision (fix times are whole seconds on the wire)."""
    if t is None:
        return None
    when = t if isinstance(t, datetime) else datetime.fromtimestamp(t, UTC)
    return when.isoformat(timespec="seconds")


def route_summary(rc: RouteCoverage) -> dict[str, Any]:
    r = rc.route
    return {
        "route": {"id": r.id, "version": r.version, "name": r.name, "treatment": r.treatment,
                  "priority": r.priority, "passes_required": r.passes_required,
                  "direction": r.direction, "half_width_m": r.half_width_m,
                  "contractor": r.contractor,
                  "assigned_vehicles": list(r.assigned_vehicles)},
        "length_m": round(rc.length_m, 1), "bin_m": round(rc.bin_m, 2),
        "state_m": dict(rc.state_m), "served_pct": round(rc.served_pct, 2),
        "serviced": rc.serviced, "cleared_at": iso(rc.cleared_at),
        "stretches": len(rc.stretches),
        "vehicles": [{"vehicle_id": w.vehicle_id, "confirmed_m": w.confirmed_m,
                      "unconfirmed_m": w.unconfirmed_m, "passes": w.passes} for w in rc.vehicles],
    }


def stretch_feature(rc: RouteCoverage, s: Stretch, result: CoverageResult) -> dict[str, Any]:
    names = {v: result.vehicles[v].name for v in s.vehicles if v in result.vehicles}
    return {
        "type": "Feature",
        "id": f"{rc.route.id}:{s.index}",
        "geometry": {"type": "LineString", "coordinates": [list(c) for c in s.coordinates]},
        "properties": {
            "route_id": rc.route.id, "route_version": rc.route.version,
            "route_name": rc.route.name, "stretch": s.index,
            "m_from": round(s.m_from, 1), "m_to": round(s.m_to, 1),
            "length_m": round(s.length_m, 1), "state": s.state, "reason": s.reason,
            "passes": {"as_drawn": s.passes[0], "against": s.passes[1]},
            "unconfirmed_passes": {"as_drawn": s.unconfirmed_passes[0],
                                   "against": s.unconfirmed_passes[1]},
            "passes_required": rc.route.passes_required,
            "directions_required": ["as_drawn"] if rc.route.direction == "as_drawn"
            else ["as_drawn", "against"],
            "first_service": iso(s.first_service), "last_service": iso(s.last_service),
            "cleared_at": iso(s.cleared_at),
            "vehicles": [{"id": v, "name": names.get(v)} for v in s.vehicles],
            "evidence": {
                "passes_total": s.runs_total,
                "passes": [{"vehicle_id": r.vehicle_id, "direction": r.direction,
                            "confirmed": r.confirmed, "sensor": r.sensor,
                            "m_from": r.m_from, "m_to": r.m_to,
                            "first_fix": iso(r.started), "last_fix": iso(r.ended),
                            "fixes": r.fixes, "black_box": r.black_box} for r in s.runs],
                "gaps": [{"vehicle_id": g.vehicle_id, "last_fix_before": iso(g.last_fix_before),
                          "first_fix_after": iso(g.first_fix_after), "gap_s": g.gap_s,
                          "gap_m": g.gap_m, "m_from": g.m_from, "m_to": g.m_to}
                         for g in s.gaps],
            },
        },
    }


def _header(result: CoverageResult) -> dict[str, Any]:
    return {"from": iso(result.window_from), "to": iso(result.window_to),
            "computed_at": iso(result.computed_at), "parameters": result.params.to_dict(),
            "data_quality": dict(result.data_quality)}


def result_document(result: CoverageResult) -> dict[str, Any]:
    """All routes: a FeatureCollection of stretches plus per-route, vehicle, contractor tables."""
    features = [stretch_feature(rc, s, result) for rc in result.routes for s in rc.stretches]
    return {
        "type": "FeatureCollection", "features": features, **_header(result),
        "totals": result.totals(),
        "routes": [route_summary(rc) for rc in result.routes],
        "vehicles": [{"vehicle_id": w.vehicle_id,
                      "name": result.vehicles[w.vehicle_id].name
                      if w.vehicle_id in result.vehicles else None,
                      "contractor": result.vehicles[w.vehicle_id].contractor
                      if w.vehicle_id in result.vehicles else None,
                      "confirmed_m": w.confirmed_m, "unconfirmed_m": w.unconfirmed_m,
                      "passes": w.passes} for w in result.vehicle_work()],
        "contractors": [{"contractor": c.contractor, "routes": c.routes, "length_m": c.length_m,
                         "state_m": dict(c.state_m), "vehicles": c.vehicles,
                         "worked_m": c.worked_m} for c in result.contractors()],
    }


def route_document(result: CoverageResult, route_id: int) -> dict[str, Any]:
    """One route: its stretches as a FeatureCollection, with its summary."""
    rc = result.route(route_id)
    return {"type": "FeatureCollection",
            "features": [stretch_feature(rc, s, result) for s in rc.stretches],
            **_header(result), **route_summary(rc)}
