"""The access gate over in-memory HTTP (``tests.gate_rig``): who gets through, in any spelling."""

from __future__ import annotations

import pytest
from twisted.internet.testing import StringTransport

from tests.gate_rig import call, csrf_of, site


@pytest.mark.parametrize(("role", "status"), [
    (None, 401), ("auditor", 403), ("dispatcher", 403), ("superuser", 403), ("admin", 200)])
@pytest.mark.parametrize("path", ["/api/terminals", "/api/%74erminals", "/%61pi/terminals",
                                  "/api/terminals/", "/admin/terminals", "/%61dmin/terminals"])
def test_admin_paths_in_any_spelling_answer_admins_only(path: str, role: str | None,
                                                         status: int) -> None:
    page = "api" not in path and "%61pi" not in path
    expected = 302 if page and status == 401 else status  # pages send visitors to sign in
    assert call("GET", path, role, anonymous_read=True)[0] == expected


@pytest.mark.parametrize("path", ["/api/terminals%2Fx", "/api/%2574erminals", "/api//terminals",
                                  "/api/./terminals", "/x/../api/terminals", "/api/terminals;x",
                                  "/api/terminals/egts:%00/commands"])
def test_ambiguous_paths_are_refused_even_to_admins(path: str) -> None:
    status, body = call("GET", path, "admin")
    assert status == 400 and b"served" not in body


def test_unknown_paths_are_not_found_for_admins_too() -> None:
    assert call("GET", "/api/nothing", "admin")[0] == 404
    assert call("GET", "/secret", "admin")[0] == 404


@pytest.mark.parametrize(("anonymous_read", "status"), [(True, 200), (False, 401)])
def test_anonymous_reads_follow_the_setting(anonymous_read: bool, status: int) -> None:
    assert call("GET", "/api/vehicles", anonymous_read=anonymous_read)[0] == status
    assert call("HEAD", "/api/vehicles", anonymous_read=anonymous_read)[0] == status


def test_a_page_that_needs_a_sign_in_redirects_to_it() -> None:
    status, _ = call("GET", "/", anonymous_read=False)
    assert status == 302


@pytest.mark.parametrize("path", ["/static/js/app.js", "/login", "/api/session"])
def test_public_paths_are_open_to_everyone(path: str) -> None:
    assert call("GET", path, anonymous_read=False)[0] == 200
    assert call("GET", path, "superuser", anonymous_read=False)[0] == 200


def test_login_posts_need_no_session_or_token() -> None:
    assert call("POST", "/login")[0] == 200


@pytest.mark.parametrize(("role", "status"), [
    (None, 401), ("auditor", 403), ("superuser", 403), ("dispatcher", 200), ("admin", 200)])
def test_writes_need_an_editor_with_the_csrf_header(role: str | None, status: int) -> None:
    csrf = csrf_of(role) if role else None
    assert call("POST", "/api/routes", role, csrf=csrf, anonymous_read=True)[0] == status


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_a_write_without_the_token_or_with_anothers_is_refused(method: str) -> None:
    assert call(method, "/api/routes/1", "dispatcher")[0] == 403
    assert call(method, "/api/routes/1", "dispatcher", csrf=csrf_of("admin"))[0] == 403
    assert call(method, "/api/routes/1", "dispatcher", csrf=csrf_of("dispatcher"))[0] == 200


def test_the_token_in_the_query_string_does_not_count() -> None:
    path = f"/api/routes?csrf_token={csrf_of('dispatcher')}"
    status, body = call("POST", path, "dispatcher")
    assert status == 403 and b"X-CSRF-Token" in body


def test_a_forged_cookie_is_no_session() -> None:
    transport = StringTransport()
    protocol = site(False).buildProtocol(None)
    protocol.makeConnection(transport)
    protocol.dataReceived(b"GET /api/vehicles HTTP/1.0\r\nCookie: gd_session=forged\r\n\r\n")
    assert transport.value().startswith(b"HTTP/1.0 401")


def test_refusals_under_api_are_json_and_say_why_in_russian() -> None:
    status, body = call("GET", "/api/terminals", "dispatcher")
    assert status == 403
    assert "только администратору".encode() in body and body.startswith(b"{")
    status, body = call("GET", "/admin/terminals", "auditor")
    assert status == 403 and b"<!doctype html>" in body


def test_twisteds_own_not_found_is_answered_in_russian() -> None:
    status, body = call("GET", "/api/storms/7", "admin")
    assert status == 404 and body.startswith(b"{") and "Нет такой".encode() in body
    status, body = call("GET", "/playback/nothing", "admin")
    assert status == 404 and b"<!doctype html>" in body and "Нет такой".encode() in body
    assert b"No Such Resource" not in body
    status, body = call("GET", "/playback/nothing", anonymous_read=True)  # no session lookup
    assert status == 404 and "Нет такой".encode() in body
