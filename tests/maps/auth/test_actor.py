"""Who makes a request, as the audit trail names them, and writes recorded in their name."""

from __future__ import annotations

from typing import Any

import psycopg2
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.web.test.requesthelper import DummyRequest

from db import vehicles
from db.audit import Actor
from db.users import Session, User
from maps.auth.actor import on_behalf_of, request_actor


def request_from(peer: object, session: Session | None = None) -> DummyRequest:
    request = DummyRequest([b""])
    request.client = peer
    if session is not None:
        request.gd_session = session  # where the gate leaves the signed-in session
    return request


def test_a_signed_in_user_is_named_with_role_and_address() -> None:
    session = Session(User(3, "ivanova", "dispatcher"), "csrf")
    assert request_actor(request_from(IPv6Address("TCP", "2001:db8::7", 5), session)) == Actor(
        "ivanova", "dispatcher", "2001:db8::7")


def test_a_visitor_is_only_an_address() -> None:
    assert request_actor(request_from(IPv4Address("TCP", "10.0.0.5", 5))) == Actor(
        None, None, "10.0.0.5")


def test_a_write_on_behalf_of_a_request_enters_the_trail_under_its_user(dsn: str) -> None:
    session = Session(User(1, "boss", "admin"), "csrf")
    work = on_behalf_of(request_from(IPv4Address("TCP", "10.0.0.9", 5), session),
                        lambda cur, name: vehicles.add_vehicle(cur, name, "plow", None, None))
    conn = psycopg2.connect(dsn)
    try:
        with conn, conn.cursor() as cur:
            vehicle_id = work(cur, "Плуг 9")
            cur.execute("SELECT actor, role, address, action, kind, object_id FROM audit_log")
            trail: list[tuple[Any, ...]] = cur.fetchall()
        with conn, conn.cursor() as cur:  # the next transaction is nobody's
            vehicles.add_vehicle(cur, "Плуг 10", "plow", None, None)
            cur.execute("SELECT actor FROM audit_log ORDER BY id DESC LIMIT 1")
            later = cur.fetchone()[0]
    finally:
        conn.close()
    assert trail == [("boss", "admin", "10.0.0.9", "create", "vehicle", str(vehicle_id))]
    assert later is None
