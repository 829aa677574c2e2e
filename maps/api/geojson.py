"""Domain values to GeoJSON (WGS-84, lon/lat order): the one place coordinates are flipped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from db.queries import VehicleLive
from dispatch.equipment_words import equipment_text, equipment_words
from dispatch.registry_input import phone_text
from dispatch.tracks import TrackFix
from dispatch.trips import Leg

Feature = dict[str, Any]


def iso(t: datetime) -> str:
    return t.isoformat()


def equipment_active(equipment: dict[str, Any], inputs: int | None) -> bool | None:
    """Blade/spreader state from the configured digital input; None when nothing says."""
    number = equipment.get("input")
    if not isinstance(number, int) or inputs is None:
        return None
    return bool(inputs >> (number - 1) & 1)


def _tool(equipment: dict[str, Any]) -> str | None:
    tool = equipment.get("tool")
    return tool if isinstance(tool, str) and tool else None


def vehicle_feature(v: VehicleLive, now: datetime, offline_after_s: float, *,
                    with_driver: bool) -> Feature:
    """The vehicle's live state; its driver (a person's name and phone) only ``with_driver``,
    which is for signed-in staff."""
    age_s = (now - v.fix_time).total_seconds()
    active = equipment_active(v.equipment, v.inputs)
    properties = {
        "id": v.id, "name": v.name, "kind": v.kind, "plate": v.plate,
        "contractor": v.contractor, "terminals": list(v.terminals),
        "fix_time": iso(v.fix_time), "received_at": iso(v.received_at),
        "speed_kmh": round(v.speed_kmh, 2), "course_deg": round(v.course_deg, 2),
        "inputs": v.inputs, "equipment_active": active,
        "equipment_text": equipment_text(active, v.kind, _tool(v.equipment)),
        "online": age_s <= offline_after_s, "age_s": round(age_s, 1),
    }
    if with_driver:
        properties.update(driver=v.driver, driver_phone=v.driver_phone,
                          driver_phone_text=phone_text(v.driver_phone) if v.driver_phone
                          else None)
    return {
        "type": "Feature",
        "id": v.id,
        "geometry": {"type": "Point", "coordinates": [v.longitude, v.latitude]},
        "properties": properties,
    }


def feature_collection(features: Sequence[Feature], **extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features), **extra}


def fix_properties(f: TrackFix) -> dict[str, Any]:
    return {"time": iso(f.fix_time), "speed_kmh": f.speed_kmh, "course_deg": f.course_deg,
            "valid": f.valid, "inputs": f.inputs, "black_box": f.black_box,
            "satellites": f.satellites, "hdop": f.hdop}


def track_segment_feature(vehicle_id: int, segment: Sequence[TrackFix], index: int,
                          equipment: dict[str, Any]) -> Feature:
    """One unbroken stretch of track; per-fix values in arrays aligned with the coordinates.

    ``equipment`` is the vehicle's registry entry: it turns each fix's inputs into the
    equipment's state (true, false, or null when nothing says).
    """
    coords = [[f.longitude, f.latitude] for f in segment]
    geometry = ({"type": "LineString", "coordinates": coords} if len(coords) > 1
                else {"type": "Point", "coordinates": coords[0]})
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "vehicle_id": vehicle_id, "segment": index,
            "start": iso(segment[0].fix_time), "end": iso(segment[-1].fix_time),
            "times": [iso(f.fix_time) for f in segment],
            "speed_kmh": [f.speed_kmh for f in segment],
            "course_deg": [f.course_deg for f in segment],
            "valid": [f.valid for f in segment],
            "inputs": [f.inputs for f in segment],
            "equipment": [equipment_active(equipment, f.inputs) for f in segment],
        },
    }


def equipment_words_json(kind: str, equipment: dict[str, Any]) -> dict[str, str]:
    """The phrases a page shows for the equipment's states, keyed "on", "off", "unknown"."""
    words = equipment_words(kind, _tool(equipment))
    return {"on": words.on, "off": words.off, "unknown": words.unknown}


def leg_json(leg: Leg) -> dict[str, Any]:
    """A stop, trip or silence with ISO times; the page shows them in the city's time."""
    return {"kind": leg.kind, "start": iso(leg.start), "end": iso(leg.end),
            "duration_s": leg.duration_s, "distance_m": round(leg.distance_m, 1),
            "max_speed_kmh": round(leg.max_speed_kmh, 1)}


def track_point_feature(vehicle_id: int, f: TrackFix) -> Feature:
    return {"type": "Feature",
            "geometry": {"type": "Point", "coordinates": [f.longitude, f.latitude]},
            "properties": {"vehicle_id": vehicle_id, **fix_properties(f)}}


def row_feature(row: dict[str, Any]) -> Feature:
    """A query row with a ready GeoJSON ``geometry`` as a Feature; times become ISO 8601."""
    props = {k: (iso(v) if isinstance(v, datetime) else v) for k, v in row.items()
             if k != "geometry"}
    return {"type": "Feature", "id": row["id"], "geometry": row["geometry"], "properties": props}
