"""The audit trail in PostGIS: triggers record every registry change, nothing rewrites it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg2
import psycopg2.errors
import pytest

from db import audit, marks, terminals, users, vehicles
from db import commands as queue
from dispatch.marks import parse_mark
from egts_server.commands import parse_command

DISPATCHER = audit.Actor("ivanova", "dispatcher", "10.0.0.7")


def entries(conn: Any, **filters: Any) -> list[audit.AuditEntry]:
    with conn, conn.cursor() as cur:
        return audit.query(cur, since=None, until=None, **filters)


def test_updates_and_deletes_of_the_trail_are_refused(conn: Any) -> None:
    """Not even the table's owner can change or delete an entry: history stays as written."""
    with conn, conn.cursor() as cur:
        audit.record(cur, actor="ivanova", role="dispatcher", address="10.0.0.7",
                     action="sign_in", kind="session", object_id="ivanova")
    for statement in ("UPDATE audit_log SET actor = 'nobody'", "DELETE FROM audit_log"):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="append-only"), \
                conn, conn.cursor() as cur:
            cur.execute(statement)
    assert [(e.actor, e.action) for e in entries(conn)] == [("ivanova", "sign_in")]


def test_a_recorded_event_reads_back_with_its_values(conn: Any) -> None:
    with conn, conn.cursor() as cur:
        audit.record(cur, actor=None, role=None, address="192.0.2.1", action="sign_in_failed",
                     kind="session", object_id="ghost", before={"tries": 1},
                     after={"tries": 2}, detail="неверный пароль")
    [entry] = entries(conn, action="sign_in_failed")
    assert (entry.actor, entry.address, entry.kind, entry.object_id, entry.before, entry.after,
            entry.detail) == (None, "192.0.2.1", "session", "ghost", {"tries": 1}, {"tries": 2},
                              "неверный пароль")
    assert abs(entry.at - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_change_is_recorded_with_the_actor_and_both_rows(conn: Any) -> None:
    """The trigger keeps the row before and after, and who the transaction acted as."""
    with conn, conn.cursor() as cur:
        mark_id = marks.create_mark(cur, parse_mark(_mark("скользко"), UTC), None)["id"]
    with conn, conn.cursor() as cur:
        audit.act_as(cur, DISPATCHER)
        marks.update_mark(cur, mark_id, parse_mark(_mark("посыпано"), UTC), "ivanova")
    with conn, conn.cursor() as cur:
        audit.act_as(cur, DISPATCHER)
        marks.delete_mark(cur, mark_id)
    found = entries(conn, kind="mark")
    assert [(e.action, e.actor, e.role, e.address, e.object_id) for e in found] == [
        ("delete", "ivanova", "dispatcher", "10.0.0.7", str(mark_id)),
        ("update", "ivanova", "dispatcher", "10.0.0.7", str(mark_id)),
        ("create", None, None, None, str(mark_id))]
    delete, update, create = found
    assert (update.before["text"], update.after["text"]) == ("скользко", "посыпано")
    assert update.after["geom"]["type"] == "Point"
    assert (delete.before["deleted_at"], delete.after["text"], delete.after["deleted_by"]) == \
        (None, "посыпано", "ivanova")
    assert delete.after["deleted_at"] is not None
    assert (create.before, create.after["text"]) == (None, "скользко")


def test_the_actor_lasts_only_for_its_transaction(conn: Any) -> None:
    """Pool connections are reused: one request's login must not label the next write."""
    with conn, conn.cursor() as cur:
        audit.act_as(cur, DISPATCHER)
    with conn, conn.cursor() as cur:
        vehicles.add_vehicle(cur, "Грейдер 7", "grader", None, None)
    [entry] = entries(conn, kind="vehicle")
    assert (entry.actor, entry.role, entry.address) == (None, None, None)


def test_a_whole_session_actor_labels_every_later_transaction(conn: Any) -> None:
    with conn, conn.cursor() as cur:
        audit.act_as(cur, audit.Actor("cli:root"), whole_session=True)
    for name in ("КДМ 1", "КДМ 2"):
        with conn, conn.cursor() as cur:
            vehicles.add_vehicle(cur, name, "plow", None, None)
    assert [e.actor for e in entries(conn, kind="vehicle")] == ["cli:root", "cli:root"]


def test_terminal_sign_ins_and_command_delivery_stay_out_of_the_trail(conn: Any) -> None:
    """Only people's changes: a terminal's login and a command going out are not audited."""
    admin = audit.Actor("admin", "admin", "10.0.0.1")
    with conn, conn.cursor() as cur:
        audit.act_as(cur, admin)
        terminal_id = terminals.add_terminal(cur, "egts", "1001", None, None)
        withdrawn = queue.enqueue(cur, terminal_id, parse_command({"text": "STATUS"}), 60.0,
                                  "admin")
    with conn, conn.cursor() as cur:
        audit.act_as(cur, admin)
        assert queue.cancel(cur, withdrawn["id"])
        sent = queue.enqueue(cur, terminal_id, parse_command({"text": "RESET"}), 60.0, "admin")
    with conn, conn.cursor() as cur:
        assert terminals.admit(cur, "egts", "1001", None, {}, "reject", None).accepted
        assert [c[0] for c in queue.claim(cur, [terminal_id], 30.0, 3)] == [sent["id"]]
    found = entries(conn)
    assert [(e.kind, e.action, e.object_id) for e in found] == [
        ("terminal_command", "create", str(sent["id"])),
        ("terminal_command", "update", str(withdrawn["id"])),
        ("terminal_command", "create", str(withdrawn["id"])),
        ("terminal", "create", "egts:1001")]
    cancel = found[1]
    assert (cancel.before["status"], cancel.after["status"]) == ("queued", "cancelled")
    assert "data" not in cancel.after and cancel.after["summary"] == "STATUS"


def test_password_hashes_never_enter_the_trail(conn: Any) -> None:
    """A new password is named in detail; neither hash is stored."""
    with conn, conn.cursor() as cur:
        users.add_user(cur, "petrov", "scrypt$old", "auditor")
        users.set_password(cur, "petrov", "scrypt$new")
    update, create = entries(conn, kind="user")
    assert "password_hash" not in create.after and create.object_id == "petrov"
    assert update.before == update.after
    assert update.detail == "изменено, значение не хранится: password_hash"


def _mark(text: str) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [137.0, 50.55]},
            "properties": {"layer": "road_state", "status": "open", "text": text}}
