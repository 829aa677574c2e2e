"""Act fingerprints and the comparison of a recompute with a sealed act."""

from __future__ import annotations

import hashlib
from typing import Any

from dispatch.acts import act_diff, act_route_versions, content_hash


def document(stretches: list[tuple[float, float, str]], served_m: float,
             vehicles: dict[int, float], **parameters: Any) -> dict[str, Any]:
    return {
        "from": "2026-12-01T00:00:00+00:00", "to": "2026-12-01T12:00:00+00:00",
        "computed_at": "2026-12-01T12:05:00+00:00", "parameters": parameters,
        "features": [{"properties": {"route_id": 4, "m_from": a, "m_to": b, "state": state}}
                     for a, b, state in stretches],
        "routes": [{"route": {"id": 4, "version": 2, "name": "ул. Ленина"},
                    "served_pct": served_m / 10, "state_m": {"served": served_m,
                                                             "not_served": 1000 - served_m},
                    "vehicles": [{"vehicle_id": v, "confirmed_m": m}
                                 for v, m in vehicles.items()]}],
    }


def test_the_hash_is_of_the_canonical_json_whatever_the_key_order() -> None:
    assert content_hash({"b": [1, "ё"], "a": 0.5}) == content_hash({"a": 0.5, "b": [1, "ё"]})
    assert content_hash({"a": 1}) == hashlib.sha256(b'{"a":1}').hexdigest()
    assert act_route_versions(document([], 0, {})) == [{"id": 4, "version": 2}]


def test_a_recompute_with_the_same_verdict_is_no_change() -> None:
    sealed = document([(0, 400, "served"), (400, 1000, "not_served")], 400, {7: 400})
    again = document([(0, 200, "served"), (200, 400, "served"), (400, 1000, "not_served")],
                     400, {7: 400})
    assert act_diff(sealed, again) == {
        "from": sealed["from"], "to": sealed["to"], "sealed_at": sealed["computed_at"],
        "recomputed_at": again["computed_at"], "changed": False, "parameters": {},
        "routes": []}


def test_changes_are_pieces_of_the_route_whatever_the_stretch_boundaries() -> None:
    sealed = document([(0, 400, "served"), (400, 1000, "not_served")], 400, {7: 400},
                      bin_m=20)
    late = document([(0, 300, "served"), (300, 700, "served"), (700, 1000, "unknown")],
                    700, {7: 400, 9: 300}, bin_m=20)
    diff = act_diff(sealed, late)
    assert diff["changed"] is True and diff["parameters"] == {}
    assert diff["routes"] == [{
        "route_id": 4, "name": "ул. Ленина", "version": 2, "served_pct": [40.0, 70.0],
        "state_m": {"not_served": [600.0, 300.0], "served": [400.0, 700.0]},
        "stretches": [
            {"m_from": 400.0, "m_to": 700.0, "before": "not_served", "after": "served",
             "length_m": 300.0},
            {"m_from": 700.0, "m_to": 1000.0, "before": "not_served", "after": "unknown",
             "length_m": 300.0}],
        "vehicles": [{"vehicle_id": 9, "confirmed_m": [None, 300.0]}]}]
    assert act_diff(sealed, document([(0, 400, "served"), (400, 1000, "not_served")], 400,
                                     {7: 400}, bin_m=25))["parameters"] == {"bin_m": [20, 25]}
