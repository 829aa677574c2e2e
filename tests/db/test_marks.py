"""Marks in PostGIS: written as WKT, read as GeoJSON, filtered, binned and restored."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shapely.geometry import LineString, Point

from db import audit, marks
from dispatch.marks import MarkInput, parse_mark

DISPATCHER = audit.Actor("ivanova", "dispatcher", "10.0.0.7")
ICE = MarkInput("road_state", Point(137.123456789, 50.55), "open", "гололёд", None, None, True)


def test_a_deleted_mark_is_in_the_bin_only_and_comes_back(conn: Any) -> None:
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [137.0, 50.55]},
               "properties": {"layer": "road_state", "text": "гололёд"}}
    with conn, conn.cursor() as cur:
        mark = parse_mark(feature, ZoneInfo("Asia/Vladivostok"))
        mark_id = marks.create_mark(cur, mark, "ivanova")["id"]
    with conn, conn.cursor() as cur:
        audit.act_as(cur, DISPATCHER)
        assert marks.delete_mark(cur, mark_id)
    with conn, conn.cursor() as cur:
        assert marks.list_marks(cur) == [] and marks.get_mark(cur, mark_id) is None
        [binned] = marks.list_marks(cur, deleted=True)
        assert (binned["id"], binned["deleted_by"]) == (mark_id, "ivanova")
        restored = marks.restore_mark(cur, mark_id)
        assert restored is not None and restored["deleted_at"] is None
        assert [m["id"] for m in marks.list_marks(cur)] == [mark_id]
        assert marks.restore_mark(cur, mark_id) is None


def test_a_mark_comes_back_as_written_with_who_wrote_it(cur: Any) -> None:
    """Coordinates keep seven decimals; the row reads back as the same input."""
    created = marks.create_mark(cur, ICE, "anna")
    assert {k: created[k] for k in ("layer", "geometry", "status", "text", "public",
                                    "created_by", "updated_by", "deleted_at")} == {
        "layer": "road_state", "geometry": {"type": "Point", "coordinates": [137.1234568, 50.55]},
        "status": "open", "text": "гололёд", "public": True, "created_by": "anna",
        "updated_by": "anna", "deleted_at": None}
    again = marks.as_input(created)
    assert (again.layer, again.status, again.text, again.public) == (
        "road_state", "open", "гололёд", True)
    assert again.geometry.equals_exact(Point(137.1234568, 50.55), 1e-9)
    assert marks.get_mark(cur, created["id"] + 1) is None


def test_an_update_replaces_every_field_of_a_live_mark_only(cur: Any) -> None:
    mark_id = marks.create_mark(cur, ICE, "anna")["id"]
    until = datetime(2026, 1, 10, tzinfo=UTC)
    changed = replace(ICE, layer="works", geometry=LineString([(137, 50), (137.1, 50.1)]),
                      status="in_progress", text="ремонт", valid_to=until, public=False)
    updated = marks.update_mark(cur, mark_id, changed, "boris")
    assert updated is not None
    assert (updated["layer"], updated["geometry"]["type"], updated["status"], updated["text"],
            updated["valid_to"], updated["public"], updated["created_by"],
            updated["updated_by"]) == ("works", "LineString", "in_progress", "ремонт", until,
                                       False, "anna", "boris")
    assert marks.delete_mark(cur, mark_id)
    assert marks.update_mark(cur, mark_id, ICE, "boris") is None
    assert not marks.delete_mark(cur, mark_id)
    assert marks.update_mark(cur, mark_id + 1, ICE, "boris") is None


def test_list_filters_by_layer_audience_and_being_in_force(cur: Any) -> None:
    past = datetime.now(UTC) - timedelta(hours=1)
    ids = {text: marks.create_mark(cur, mark, None)["id"] for text, mark in (
        ("гололёд", ICE),
        ("свой", replace(ICE, text="свой", public=False)),
        ("решено", replace(ICE, text="решено", status="resolved")),
        ("истекла", replace(ICE, text="истекла", valid_to=past)),
        ("лифт", replace(ICE, layer="elevators", text="лифт")))}

    def texts(**filters: Any) -> list[str]:
        return [m["text"] for m in marks.list_marks(cur, **filters)]

    assert texts() == list(ids)
    assert texts(layer="elevators") == ["лифт"]
    assert texts(public_only=True) == ["гололёд", "решено", "истекла", "лифт"]
    assert texts(active_only=True) == ["гололёд", "свой", "лифт"]
    assert texts(layer="road_state", public_only=True, active_only=True) == ["гололёд"]
    assert texts(deleted=True) == []
