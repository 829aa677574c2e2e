"""Sealed acts: a stored coverage result's fingerprint, and what a recompute changed against it.

An act is what a contractor is paid by, so once stored it must not drift: it is sealed with the
sha256 of its canonical JSON (keys sorted, no spaces, UTF-8), which anyone can recompute from
the document alone. Late black-box data does not rewrite it; a recompute of the same window
with the same route versions is compared with it instead: which stretches changed state (by
position along the route, whatever the stretch boundaries), how the lengths per state moved,
and which vehicles' credited work changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

__all__ = ["act_diff", "act_route_versions", "content_hash", "pinned_versions"]

#: Shorter differences are rounding of bin edges, not work done or undone.
MIN_CHANGE_M: Final = 0.5


def content_hash(document: Mapping[str, Any]) -> str:
    """sha256 (hex) of the document's canonical JSON."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def act_route_versions(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The (route id, version) pairs a result document was computed with."""
    return [{"id": r["route"]["id"], "version": r["route"].get("version")}
            for r in document.get("routes", [])]


def pinned_versions(document: Mapping[str, Any]) -> list[tuple[int, int]] | None:
    """The (route id, version) pairs to recompute an act with; None for a result stored before
    routes had versions (it is then recomputed with the versions in force at its end)."""
    pairs = act_route_versions(document)
    if any(p["version"] is None for p in pairs):
        return None
    return [(p["id"], p["version"]) for p in pairs]


def act_diff(sealed: Mapping[str, Any], recomputed: Mapping[str, Any]) -> dict[str, Any]:
    """What ``recomputed`` says differently from ``sealed`` (both result documents)."""
    before = {r["route"]["id"]: r for r in sealed.get("routes", [])}
    after = {r["route"]["id"]: r for r in recomputed.get("routes", [])}
    routes = []
    for route_id in sorted(set(before) | set(after), key=lambda i: (i is None, i)):
        change = _route_diff(route_id, before.get(route_id), after.get(route_id), sealed,
                             recomputed)
        if change is not None:
            routes.append(change)
    parameters = {k: [sealed.get("parameters", {}).get(k), v]
                  for k, v in recomputed.get("parameters", {}).items()
                  if sealed.get("parameters", {}).get(k) != v}
    return {"from": sealed.get("from"), "to": sealed.get("to"),
            "sealed_at": sealed.get("computed_at"), "recomputed_at": recomputed.get("computed_at"),
            "changed": bool(routes or parameters), "parameters": parameters, "routes": routes}


def _route_diff(route_id: int | None, before: Mapping[str, Any] | None,
                after: Mapping[str, Any] | None, sealed: Mapping[str, Any],
                recomputed: Mapping[str, Any]) -> dict[str, Any] | None:
    either = after or before
    assert either is not None
    stretches = _state_changes(_intervals(sealed, route_id), _intervals(recomputed, route_id))
    states = sorted(set((before or {}).get("state_m", {})) | set((after or {}).get("state_m", {})))
    state_m = {s: [_length(before, s), _length(after, s)] for s in states
               if abs(_length(before, s) - _length(after, s)) >= MIN_CHANGE_M}
    vehicles = _vehicle_changes(before, after)
    if not (stretches or state_m or vehicles) and (before is None) == (after is None):
        return None
    return {"route_id": route_id, "name": either["route"]["name"],
            "version": either["route"].get("version"),
            "served_pct": [(before or {}).get("served_pct"), (after or {}).get("served_pct")],
            "state_m": state_m, "stretches": stretches, "vehicles": vehicles}


def _length(summary: Mapping[str, Any] | None, state: str) -> float:
    return round(float((summary or {}).get("state_m", {}).get(state, 0.0)), 1)


def _intervals(document: Mapping[str, Any], route_id: int | None) -> list[tuple[float, float, str]]:
    return sorted((float(p["m_from"]), float(p["m_to"]), str(p["state"]))
                  for p in (f["properties"] for f in document.get("features", []))
                  if p.get("route_id") == route_id)


def _state_at(intervals: Sequence[tuple[float, float, str]], m: float) -> str | None:
    for start, end, state in intervals:
        if start <= m < end:
            return state
    return None


def _state_changes(before: Sequence[tuple[float, float, str]],
                   after: Sequence[tuple[float, float, str]]) -> list[dict[str, Any]]:
    """Pieces of the route whose state differs, merged where the change is the same."""
    edges = sorted({e for start, end, _ in (*before, *after) for e in (start, end)})
    pieces: list[dict[str, Any]] = []
    for start, end in zip(edges, edges[1:], strict=False):
        middle = (start + end) / 2
        was, now = _state_at(before, middle), _state_at(after, middle)
        if was == now:
            continue
        last = pieces[-1] if pieces else None
        if last and last["m_to"] == round(start, 1) and (last["before"], last["after"]) == (
                was, now):
            last["m_to"] = round(end, 1)
        else:
            pieces.append({"m_from": round(start, 1), "m_to": round(end, 1), "before": was,
                           "after": now})
    for piece in pieces:
        piece["length_m"] = round(piece["m_to"] - piece["m_from"], 1)
    return [p for p in pieces if p["length_m"] >= MIN_CHANGE_M]


def _vehicle_work(summary: Mapping[str, Any] | None) -> dict[int, float]:
    rows: Iterable[Mapping[str, Any]] = (summary or {}).get("vehicles", [])
    return {int(v["vehicle_id"]): round(float(v["confirmed_m"]), 1) for v in rows}


def _vehicle_changes(before: Mapping[str, Any] | None,
                     after: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    was, now = _vehicle_work(before), _vehicle_work(after)
    return [{"vehicle_id": v, "confirmed_m": [was.get(v), now.get(v)]}
            for v in sorted(set(was) | set(now))
            if abs((was.get(v) or 0.0) - (now.get(v) or 0.0)) >= MIN_CHANGE_M
            or (v in was) != (v in now)]
