"""Route versions, soft delete and restore in PostGIS, and which version judges a window."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import psycopg2
import psycopg2.errors
import pytest

from db import audit
from db import routes as store
from dispatch.routes import Route

DISPATCHER = audit.Actor("ivanova", "dispatcher", "10.0.0.7")
SECOND = timedelta(seconds=1)
LENINA = Route(id=None, name="ул. Ленина", coordinates=((137.0, 50.55), (137.01, 50.55)),
               priority=1, contractor="МУП «Дорожник»")


def stored(conn: Any, route: Route = LENINA) -> int:
    with conn, conn.cursor() as cur:
        return store.insert_route(cur, route)


def versions(conn: Any, route_id: int) -> list[dict[str, Any]]:
    with conn, conn.cursor() as cur:
        return store.route_versions(cur, route_id)


def test_every_change_coverage_depends_on_is_a_version_and_properties_alone_are_not(
        conn: Any) -> None:
    route_id = stored(conn)
    edits = [replace(LENINA, coordinates=((137.0, 50.55), (137.02, 50.55))),
             replace(LENINA, coordinates=((137.0, 50.55), (137.02, 50.55)), half_width_m=12),
             replace(LENINA, coordinates=((137.0, 50.55), (137.02, 50.55)), half_width_m=12,
                     properties={"note": "по заявке"})]
    for edit in edits:
        with conn, conn.cursor() as cur:
            audit.act_as(cur, DISPATCHER)
            assert store.update_route(cur, route_id, edit)
    found = versions(conn, route_id)
    assert [(v["version"], v["half_width_m"], v["changed_by"]) for v in found] == [
        (1, 20.0, None), (2, 20.0, "ivanova"), (3, 12.0, "ivanova")]
    assert [v["valid_to"] for v in found[:-1]] == [v["valid_from"] for v in found[1:]]
    assert found[-1]["valid_to"] is None
    assert found[0]["geometry"]["coordinates"] == [[137.0, 50.55], [137.01, 50.55]]
    with conn, conn.cursor() as cur:
        current = store.get_route(cur, route_id)
    assert current is not None and current.version == 3
    assert current.properties == {"note": "по заявке"}


def test_a_window_is_judged_by_the_version_in_force_at_its_end(conn: Any) -> None:
    route_id = stored(conn)
    with conn, conn.cursor() as cur:
        store.update_route(cur, route_id, replace(LENINA, name="ул. Ленина (до моста)"))
    first, second = versions(conn, route_id)
    edited = second["valid_from"]
    with conn, conn.cursor() as cur:
        before = store.routes_for_window(cur, edited - 3600 * SECOND, edited - SECOND)
        long_before = store.routes_for_window(cur, first["valid_from"] - 48 * 3600 * SECOND,
                                              first["valid_from"] - 47 * 3600 * SECOND)
        after = store.routes_for_window(cur, edited - 3600 * SECOND, edited + SECOND)
    assert [(r.id, r.version, r.name) for r in before] == [(route_id, 1, "ул. Ленина")]
    assert [(r.id, r.version) for r in long_before] == [(route_id, 1)]
    assert [(r.id, r.version, r.name) for r in after] == [
        (route_id, 2, "ул. Ленина (до моста)")]


def test_a_deleted_route_leaves_later_windows_and_stays_in_earlier_ones(conn: Any) -> None:
    route_id = stored(conn)
    other_id = stored(conn, replace(LENINA, name="ул. Мира", priority=2))
    with conn, conn.cursor() as cur:
        audit.act_as(cur, DISPATCHER)
        assert store.delete_route(cur, route_id)
        assert not store.delete_route(cur, route_id)
    with conn, conn.cursor() as cur:
        [row] = store.route_rows(cur, deleted=True)
        live = [r["id"] for r in store.route_rows(cur)]
    assert (row["id"], row["deleted_by"], live) == (route_id, "ivanova", [other_id])
    deleted_at = row["deleted_at"]
    with conn, conn.cursor() as cur:
        later = store.routes_for_window(cur, deleted_at + SECOND, deleted_at + 3600 * SECOND)
        across = store.routes_for_window(cur, deleted_at - SECOND, deleted_at + 3600 * SECOND)
        earlier = store.routes_for_window(cur, deleted_at - 3600 * SECOND, deleted_at - SECOND)
        now_only = store.routes_for_window(cur, deleted_at - SECOND, deleted_at + 3600 * SECOND,
                                           live_only=True)
        assert not store.update_route(cur, route_id, LENINA)
    assert [r.id for r in later] == [other_id]
    assert [r.id for r in across] == [route_id, other_id]
    assert [r.id for r in earlier] == [route_id, other_id]
    assert [r.id for r in now_only] == [other_id]


def test_a_route_cannot_be_deleted_outright(conn: Any) -> None:
    route_id = stored(conn)
    with pytest.raises(psycopg2.errors.ForeignKeyViolation), conn, conn.cursor() as cur:
        cur.execute("DELETE FROM routes WHERE id = %s", (route_id,))
    assert [v["version"] for v in versions(conn, route_id)] == [1]


def test_restore_brings_the_route_back_and_the_trail_names_both(conn: Any) -> None:
    route_id = stored(conn)
    with conn, conn.cursor() as cur:
        audit.act_as(cur, DISPATCHER)
        store.delete_route(cur, route_id)
    with conn, conn.cursor() as cur:
        audit.act_as(cur, audit.Actor("petrov", "admin", "10.0.0.9"))
        assert store.restore_route(cur, route_id)
        assert not store.restore_route(cur, route_id)
        [row] = store.route_rows(cur)
    assert (row["id"], row["version"], row["deleted_at"], row["deleted_by"]) == (
        route_id, 1, None, None)
    with conn, conn.cursor() as cur:
        trail = audit.query(cur, since=None, until=None, kind="route")
    assert [(e.action, e.actor, e.object_id) for e in trail] == [
        ("restore", "petrov", str(route_id)), ("delete", "ivanova", str(route_id)),
        ("create", None, str(route_id))]
    assert trail[1].after["deleted_by"] == "ivanova" and trail[1].before["deleted_at"] is None
    assert [v["version"] for v in versions(conn, route_id)] == [1]

