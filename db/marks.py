"""Marks: create, read, update, delete. Geometry travels as WKT in, GeoJSON out.

A delete is soft (``deleted_at``, ``deleted_by``: the audit actor) and :func:`restore_mark`
undoes it; a mark in the bin is in no list, map or export but the bin's.
"""

from __future__ import annotations

from typing import Any

from shapely import wkt
from shapely.geometry import shape

from dispatch.marks import MarkInput

_COLUMNS = ("id", "layer", "geometry", "status", "text", "valid_from", "valid_to", "public",
            "created_by", "updated_by", "created_at", "updated_at", "deleted_at", "deleted_by")
_SELECT = ("SELECT id, layer, ST_AsGeoJSON(geom, 7)::json, status, text, valid_from, valid_to,"
           " public, created_by, updated_by, created_at, updated_at, deleted_at, deleted_by"
           " FROM marks")


def _row(row: tuple[Any, ...] | None) -> dict[str, Any] | None:
    return None if row is None else dict(zip(_COLUMNS, row, strict=True))


def list_marks(cur: Any, *, layer: str | None = None, public_only: bool = False,
               active_only: bool = False, deleted: bool = False) -> list[dict[str, Any]]:
    """Live marks, or with ``deleted`` those in the bin, matching every filter given."""
    cur.execute(_SELECT + " WHERE (%(layer)s IS NULL OR layer = %(layer)s)"
                " AND (deleted_at IS NOT NULL) = %(deleted)s"
                " AND (public OR NOT %(public)s)"
                " AND (NOT %(active)s OR (status <> 'resolved'"
                "      AND (valid_to IS NULL OR valid_to > now())))"
                " ORDER BY id", {"layer": layer, "public": public_only, "active": active_only,
                                  "deleted": deleted})
    return [r for r in map(_row, cur.fetchall()) if r is not None]


def get_mark(cur: Any, mark_id: int) -> dict[str, Any] | None:
    cur.execute(_SELECT + " WHERE id = %s AND deleted_at IS NULL", (mark_id,))
    return _row(cur.fetchone())


def as_input(row: dict[str, Any]) -> MarkInput:
    return MarkInput(row["layer"], shape(row["geometry"]), row["status"], row["text"],
                     row["valid_from"], row["valid_to"], row["public"])


def create_mark(cur: Any, mark: MarkInput, by: str | None) -> dict[str, Any]:
    cur.execute("INSERT INTO marks (layer, geom, status, text, valid_from, valid_to, public,"
                " created_by, updated_by) VALUES (%s, ST_GeomFromText(%s, 4326), %s, %s, %s,"
                " %s, %s, %s, %s) RETURNING id",
                (mark.layer, wkt.dumps(mark.geometry), mark.status, mark.text, mark.valid_from,
                 mark.valid_to, mark.public, by, by))
    created = get_mark(cur, cur.fetchone()[0])
    assert created is not None
    return created


def update_mark(cur: Any, mark_id: int, mark: MarkInput, by: str | None) -> dict[str, Any] | None:
    cur.execute("UPDATE marks SET layer = %s, geom = ST_GeomFromText(%s, 4326), status = %s,"
                " text = %s, valid_from = %s, valid_to = %s, public = %s, updated_by = %s,"
                " updated_at = now() WHERE id = %s AND deleted_at IS NULL",
                (mark.layer, wkt.dumps(mark.geometry), mark.status, mark.text, mark.valid_from,
                 mark.valid_to, mark.public, by, mark_id))
    return get_mark(cur, mark_id) if cur.rowcount else None


def delete_mark(cur: Any, mark_id: int) -> bool:
    """Move a live mark to the bin, naming the transaction's audit actor as who did it."""
    cur.execute("UPDATE marks SET deleted_at = now(),"
                " deleted_by = nullif(current_setting('glonass.audit_login', true), '')"
                " WHERE id = %s AND deleted_at IS NULL", (mark_id,))
    return bool(cur.rowcount)


def restore_mark(cur: Any, mark_id: int) -> dict[str, Any] | None:
    """Bring a mark back from the bin; None when there is no such mark in it."""
    cur.execute("UPDATE marks SET deleted_at = NULL, deleted_by = NULL"
                " WHERE id = %s AND deleted_at IS NOT NULL", (mark_id,))
    return get_mark(cur, mark_id) if cur.rowcount else None
