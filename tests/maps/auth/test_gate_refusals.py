"""What the access gate answers when it refuses, and what it hands the resources it admits."""

from __future__ import annotations

import json

import pytest
from twisted.internet.address import IPv4Address, UNIXAddress
from twisted.web.resource import Resource
from twisted.web.server import Request, Site
from twisted.web.test.requesthelper import DummyRequest

from maps.auth.gate import AdminOnly, ErrorPage, client_address, current_login, current_session
from tests.gate_rig import (
    LOOKUPS,
    SESSIONS,
    TOKENS,
    Served,
    WhoAmI,
    exchange,
    request_bytes,
    respond,
    site,
)


def error_of(body: bytes) -> object:
    return json.loads(body)


def title_of(body: bytes) -> str:
    text = body.decode()
    return text[text.index("<h1>") + 4:text.index("</h1>")]


def test_refusals_under_api_are_json_with_the_reason() -> None:
    """An API client gets {"error": why, "detail": null} with the status, never a page."""
    cases = [
        ("GET", "/api/vehicles", None, 401, "Нужно войти в систему"),
        ("GET", "/api/terminals", "dispatcher", 403,
         "Это доступно только администратору (ваша роль: диспетчер)"),
        ("GET", "/api/terminals", "superuser", 403,
         "Это доступно только администратору (ваша роль: superuser)"),
        ("POST", "/api/routes", "auditor", 403, "Роли «аудитор» это не разрешено"),
        ("GET", "/api/nothing", "admin", 404, "Нет такой страницы или ресурса"),
        ("GET", "/api/a%2Fb", "admin", 400, "недопустимый символ '/' в сегменте пути 'a/b'"),
    ]
    for method, path, role, status, reason in cases:
        r = respond(method, path, role)
        assert (r.status, error_of(r.body)) == (status, {"error": reason, "detail": None})
        assert r.headers[b"content-type"] == b"application/json; charset=utf-8"


def test_refused_pages_are_pages_titled_by_the_status() -> None:
    """A browser gets a page in the site's layout whose heading says what happened."""
    cases = [
        ("POST", "/", None, 401, "Нужно войти", "Нужно войти в систему"),
        ("GET", "/admin/terminals", "auditor", 403, "Доступ запрещён",
         "Это доступно только администратору (ваша роль: аудитор)"),
        ("GET", "/secret", "admin", 404, "Страница не найдена",
         "Нет такой страницы или ресурса"),
        ("GET", "/x/%2e%2e/y", "admin", 400, "Неверный запрос",
         "недопустимый сегмент пути: &#x27;..&#x27;"),
    ]
    for method, path, role, status, title, reason in cases:
        r = respond(method, path, role)
        assert (r.status, title_of(r.body)) == (status, title)
        assert f"<p>{reason}</p>".encode() in r.body
        assert r.headers[b"content-type"] == b"text/html; charset=utf-8"


def test_any_other_refusal_is_titled_as_an_error() -> None:
    """A status without a title of its own still gets a page headed «Ошибка»."""
    request = DummyRequest([b""])
    body = ErrorPage(503, "<занято>", api=False).render(request)
    assert isinstance(body, bytes) and request.responseCode == 503
    assert title_of(body) == "Ошибка" and "<p>&lt;занято&gt;</p>".encode() in body


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_page_that_needs_a_sign_in_sends_the_visitor_there_and_back(method: str) -> None:
    """GET and HEAD of a page go to /login with the whole address to come back to."""
    r = respond(method, "/editor?day=2026-01-15&x=1")
    assert (r.status, r.headers[b"location"]) == (
        302, b"/login?next=/editor%3Fday%3D2026-01-15%26x%3D1")


def test_resources_see_who_is_signed_in() -> None:
    """The gate hands the session on: resources reached by name or made per request, and
    /api/session even though anyone may ask it."""
    for path in ("/api/session", "/editor", "/admin/whoami"):
        assert respond("GET", path, "admin").body == b"boss"
    assert respond("GET", "/editor", "auditor").body == b"aud"
    assert respond("GET", "/api/session").body == b"-"


def test_a_request_the_gate_never_saw_has_no_session() -> None:
    assert current_session(DummyRequest([b""])) is None
    assert current_login(DummyRequest([b""])) is None


def test_a_write_without_its_csrf_token_is_refused_in_the_callers_language() -> None:
    """JSON for the API, a page for a form posted to a page."""
    r = respond("POST", "/api/routes", "dispatcher")
    assert (r.status, error_of(r.body)) == (403, {
        "error": "Нет или неверный CSRF-токен (заголовок X-CSRF-Token)", "detail": None})
    r = respond("POST", "/editor", "dispatcher")
    assert r.status == 403 and title_of(r.body) == "Доступ запрещён"
    assert "<p>Нет или неверный CSRF-токен (заголовок X-CSRF-Token)</p>".encode() in r.body


def test_public_files_never_cost_a_session_lookup() -> None:
    """Assets and sign-in are served without reading the session, cookie or not; pages that
    need one look it up exactly once."""
    LOOKUPS.clear()
    respond("GET", "/static/app.js", "admin")
    respond("POST", "/login", "admin")
    assert LOOKUPS == []
    respond("GET", "/api/session", "admin")
    respond("GET", "/api/vehicles", "auditor")
    assert LOOKUPS == [TOKENS["admin"], TOKENS["auditor"]]


def test_a_cookie_that_is_not_ascii_is_no_session() -> None:
    """Garbage in the cookie or the CSRF header is refused like a wrong one, not a crash."""
    raw = b"GET /api/vehicles HTTP/1.0\r\nCookie: gd_session=\xff\xfe\r\n\r\n"
    assert exchange(site(False), raw).status == 401
    raw = request_bytes("POST", "/api/routes", "dispatcher").replace(
        b"Content-Length", b"X-CSRF-Token: \xff\r\nContent-Length")
    r = exchange(site(False), raw)
    assert r.status == 403 and b"CSRF" in r.body


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_admins_read_admin_pages_without_a_csrf_token(method: str) -> None:
    """Only writes carry the CSRF header; reading an admin page needs none."""
    assert respond(method, "/api/terminals", "admin").status == 200
    assert respond(method, "/admin/terminals", "admin").status == 200


class AttachSession(Resource):
    """A stand-in for a gate whose table let everyone through: it only attaches a session."""

    def __init__(self, inner: Resource, role: str | None) -> None:
        super().__init__()
        self._inner, self._role = inner, role

    def getChildWithDefault(self, path: bytes, request: Request) -> Resource:  # noqa: N802
        request.gd_session = SESSIONS[TOKENS[self._role]] if self._role else None  # type: ignore[attr-defined]
        return self._inner.getChildWithDefault(path, request)


def unguarded(role: str | None) -> Site:
    root, api, admin = Resource(), Resource(), Resource()
    root.putChild(b"api", api)
    root.putChild(b"admin", AdminOnly(admin))
    admin.putChild(b"whoami", WhoAmI())
    api.putChild(b"terminals", AdminOnly(Served()))
    return Site(AttachSession(root, role))


@pytest.mark.parametrize(("role", "status"), [
    (None, 401), ("auditor", 403), ("dispatcher", 403), ("superuser", 403), ("admin", 200)])
def test_admin_resources_check_the_role_themselves(role: str | None, status: int) -> None:
    """Even behind a gate that let everybody in, admin resources answer admins only: JSON
    under /api, a page elsewhere."""
    r = exchange(unguarded(role), request_bytes("GET", "/api/terminals"))
    assert r.status == status
    if status != 200:
        assert r.headers[b"content-type"].startswith(b"application/json")
    r = exchange(unguarded(role), request_bytes("GET", "/admin/whoami"))
    assert r.status == (302 if status == 401 else status)
    if status == 200:
        assert r.body == b"boss"
    if status == 403:
        assert "ваша роль".encode() in r.body and b"<h1>" in r.body


def test_the_client_address_is_the_peers_host() -> None:
    """Sign-in throttling keys on the bare host; a peer without one is named as it is."""
    request = DummyRequest([b""])
    request.client = IPv4Address("TCP", "192.0.2.7", 40123)
    assert client_address(request) == "192.0.2.7"
    request.client = UNIXAddress(b"/run/gd.sock")
    assert client_address(request) == str(UNIXAddress(b"/run/gd.sock"))
