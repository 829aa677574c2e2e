"""The access gate in front of every HTTP resource, and the signed-in session of a request.

Every request's session is looked up in PostGIS (one indexed row; sessions are shared by
every ``serve`` process), so signing out, expiry, a new password, a role change or a disabled
account take effect on the very next request, and a made-up cookie leaves nothing behind.
Writes need the session's CSRF token in the ``X-CSRF-Token`` header (never from the URL or a
form); the cookie is HttpOnly and SameSite=Strict.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.web.resource import Resource, getChildForRequest
from twisted.web.server import NOT_DONE_YET, Request
from twisted.web.util import DeferredResource, Redirect

from db import users
from maps.api.json_resource import write_json
from maps.auth.access import Access, BadPath, allowed, route_segments, rule_for
from maps.pages.chrome import ROLE_LABELS
from maps.pages.plain import plain_page

COOKIE = b"gd_session"
CSRF_HEADER = b"x-csrf-token"


def current_session(request: Request) -> users.Session | None:
    """The signed-in session the gate attached to this request, if any."""
    session: users.Session | None = getattr(request, "gd_session", None)
    return session


def current_login(request: Request) -> str | None:
    """The login of the signed-in user making this request, if any."""
    session = current_session(request)
    return session.user.login if session else None


def client_address(request: Request) -> str:
    """The peer's address as text (the host part only)."""
    peer = request.getClientAddress()
    return str(getattr(peer, "host", peer))


class ErrorPage(Resource):
    """A refusal: JSON under ``/api``, a redirect to the sign-in page for a page that needs
    one, otherwise a short page in the site's layout."""

    isLeaf = True

    def __init__(self, status: int, message: str, *, api: bool) -> None:
        super().__init__()
        self._status, self._message, self._api = status, message, api

    def render(self, request: Request) -> bytes | int:
        if self._api:
            write_json(request, self._status, {"error": self._message, "detail": None})
            return NOT_DONE_YET
        if self._status == 401 and request.method in (b"GET", b"HEAD"):
            target = quote((request.uri or b"/").decode("ascii", "replace"), safe="/")
            body: bytes = Redirect(f"/login?next={target}".encode("ascii")).render(request)
            return body
        request.setResponseCode(self._status)
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        titles = {400: "Неверный запрос", 401: "Нужно войти", 403: "Доступ запрещён",
                  404: "Страница не найдена"}
        return plain_page(titles.get(self._status, "Ошибка"),
                          f"<p>{html.escape(self._message)}</p>")


def refusal(session: users.Session | None, needed: Access, *, api: bool) -> ErrorPage:
    """401 for a visitor who is not signed in, 403 naming the role otherwise."""
    if session is None:
        return ErrorPage(401, "Нужно войти в систему", api=api)
    role = ROLE_LABELS.get(session.user.role, session.user.role)
    if needed == Access.ADMIN:
        return ErrorPage(403, f"Это доступно только администратору (ваша роль: {role})", api=api)
    return ErrorPage(403, f"Роли «{role}» это не разрешено", api=api)


SessionLookup = Callable[[str], "Deferred[users.Session | None]"]


def session_lookup(pool: adbapi.ConnectionPool) -> SessionLookup:
    """The session of a cookie token, read from PostGIS in the pool."""
    def find(token: str) -> Deferred[users.Session | None]:
        d: Deferred[users.Session | None] = pool.runInteraction(users.find_session, token)
        return d
    return find


class AuthGate(Resource):
    """Wraps the site's root: every request passes ``maps.auth.access`` before any resource."""

    def __init__(self, root: Resource, find_session: SessionLookup, *,
                 anonymous_read: bool) -> None:
        super().__init__()
        self._root, self._find_session = root, find_session
        self._anonymous_read = anonymous_read

    def getChildWithDefault(self, path: bytes, request: Request) -> Any:  # noqa: N802
        decoded = [*(request.prepath or [path]), *(request.postpath or [])]
        try:
            segments = route_segments(decoded)
        except BadPath as e:
            return ErrorPage(400, str(e), api=decoded[:1] == [b"api"])
        api = segments[:1] == ("api",)
        rule = rule_for(segments)
        if rule is None:
            return ErrorPage(404, "Нет такой страницы или ресурса", api=api)
        needed = rule.needed(request.method)
        token = request.getCookie(COOKIE)
        if token is None or (needed == Access.ANYONE and not rule.session):
            return self._decide(None, needed, api, path, request)
        d = self._find_session(token.decode("ascii", "replace"))
        d.addCallback(self._decide, needed, api, path, request)
        return DeferredResource(d)

    def _decide(self, session: users.Session | None, needed: Access, api: bool, path: bytes,
                request: Request) -> Any:
        request.gd_session = session  # type: ignore[attr-defined]
        role = session.user.role if session else None
        if not allowed(role, needed, anonymous_read=self._anonymous_read):
            return refusal(session, needed, api=api)
        if needed >= Access.EDITOR and request.method not in (b"GET", b"HEAD"):
            sent = request.getHeader(CSRF_HEADER)
            if session is None or sent is None or sent.decode("ascii", "replace") != \
                    session.csrf_token:
                return ErrorPage(403, "Нет или неверный CSRF-токен (заголовок X-CSRF-Token)",
                                 api=api)
        # walk the rest of the path here, so a miss anywhere below is answered in Russian
        found = getChildForRequest(self._root.getChildWithDefault(path, request), request)
        return in_russian(found, api=api)


TWISTED_ERRORS = {404: "Нет такой страницы или ресурса", 403: "Доступ запрещён",
                  405: "Этот метод здесь не поддерживается"}


def in_russian(found: Resource, *, api: bool) -> Resource:
    """Twisted's own English error pages (a missing file or child) answered like the gate's
    refusals: JSON under /api, a page in the site's layout otherwise."""
    code = getattr(found, "code", None)
    if type(found).__module__ == "twisted.web.resource" and isinstance(code, int):
        return ErrorPage(code, TWISTED_ERRORS.get(code, "Ошибка запроса"), api=api)
    return found


class AdminOnly(Resource):
    """An admin resource that checks the role itself too, whatever the gate's table says."""

    def __init__(self, inner: Resource) -> None:
        super().__init__()
        self._inner = inner
        self.isLeaf = inner.isLeaf

    def _refusal(self, request: Request) -> ErrorPage | None:
        session = current_session(request)
        if session is not None and session.user.role == "admin":
            return None
        return refusal(session, Access.ADMIN, api=(request.prepath or [b""])[0] == b"api")

    def getChildWithDefault(self, path: bytes, request: Request) -> Any:  # noqa: N802
        return self._refusal(request) or self._inner.getChildWithDefault(path, request)

    def render(self, request: Request) -> Any:
        refused = self._refusal(request)
        return (refused or self._inner).render(request)
