"""Reads for the city's public map: only what may be shown, already delayed.

Streets and when they were last served come from the coverage engine, not from here."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any


def delayed_vehicles(cur: Any, as_of: datetime, window: timedelta) -> list[dict[str, Any]]:
    """Each vehicle's last valid fix at or before ``as_of`` (within ``window``): kind and place."""
    cur.execute("""
        SELECT DISTINCT ON (p.vehicle_id) v.kind, p.latitude, p.longitude, p.fix_time
        FROM positions p JOIN vehicles v ON v.id = p.vehicle_id
        WHERE p.fix_time BETWEEN %s AND %s AND p.valid
        ORDER BY p.vehicle_id, p.fix_time DESC""", (as_of - window, as_of))
    keys = ("kind", "latitude", "longitude", "fix_time")
    return [dict(zip(keys, row, strict=True)) for row in cur.fetchall()]


def public_marks(cur: Any) -> list[dict[str, Any]]:
    """Public marks that are still in force."""
    cur.execute("""
        SELECT layer, status, text, valid_to, ST_AsGeoJSON(geom, 6)::json FROM marks
        WHERE public AND status <> 'resolved' AND (valid_to IS NULL OR valid_to > now())
        ORDER BY id""")
    keys = ("layer", "status", "text", "valid_to", "geometry")
    return [dict(zip(keys, row, strict=True)) for row in cur.fetchall()]
