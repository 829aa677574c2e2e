"""Sign-in, sessions and the access gate in front of every HTTP resource.

Sessions are rows in PostGIS (shared by every ``serve`` process); each process caches a looked
up session for ``CACHE_S`` seconds. Writes need the session's CSRF token in the
``X-CSRF-Token`` header (or a ``csrf_token`` form field); the cookie is HttpOnly and
SameSite=Strict, so another site can neither read it nor send it along.
"""

from __future__ import annotations

import html
import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request
from twisted.web.util import DeferredResource, Redirect

from db import users
from maps.access import Access, allowed, required_access
from maps.api import write_json
from maps.passwords import hash_password, verify_password

COOKIE = b"gd_session"
CSRF_HEADER = b"x-csrf-token"
CACHE_S = 30.0
_DUMMY_HASH = hash_password("not a real password")  # equal work whether the login exists or not
log = Logger()


def current_session(request: Request) -> users.Session | None:
    """The signed-in session the gate attached to this request, if any."""
    session: users.Session | None = getattr(request, "gd_session", None)
    return session


def current_login(request: Request) -> str | None:
    """The login of the signed-in user making this request, if any."""
    session = current_session(request)
    return session.user.login if session else None


class ErrorPage(Resource):
    """A refusal: JSON for the API, a redirect to the sign-in page or a short page otherwise."""

    isLeaf = True

    def __init__(self, status: int, message: str) -> None:
        super().__init__()
        self._status, self._message = status, message

    def render(self, request: Request) -> bytes | int:
        path = (request.path or b"/").decode("utf-8", "replace")
        if path.startswith("/api/"):
            write_json(request, self._status, {"error": self._message, "detail": None})
            return NOT_DONE_YET
        if self._status == 401 and request.method in (b"GET", b"HEAD"):
            body: bytes = Redirect(f"/login?next={quote(path)}".encode()).render(request)
            return body
        request.setResponseCode(self._status)
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return _page("Доступ запрещён", f"<p>{html.escape(self._message)}</p>"
                     '<p><a href="/login">Войти под другой учётной записью</a></p>')


class AuthGate(Resource):
    """Wraps the site's root: every request passes ``maps.access`` before reaching a resource."""

    def __init__(self, root: Resource, pool: adbapi.ConnectionPool, *,
                 anonymous_read: bool, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._root, self._pool = root, pool
        self._anonymous_read = anonymous_read
        self._clock = clock
        self._cache: dict[bytes, tuple[float, users.Session | None]] = {}

    def forget(self, token: bytes) -> None:
        self._cache.pop(token, None)

    def getChildWithDefault(self, path: bytes, request: Request) -> Any:  # noqa: N802
        needed = required_access(request.method, (request.path or b"/").decode("utf-8",
                                                                                "replace"))
        token = request.getCookie(COOKIE)
        if token is None:
            return self._decide(None, needed, path, request)
        cached = self._cache.get(token)
        if cached is not None and self._clock() - cached[0] < CACHE_S:
            return self._decide(cached[1], needed, path, request)
        d: Deferred[users.Session | None] = self._pool.runInteraction(
            users.find_session, token.decode("ascii", "replace"))

        def found(session: users.Session | None) -> Any:
            self._cache[token] = (self._clock(), session)
            return self._decide(session, needed, path, request)

        return DeferredResource(d.addCallback(found))

    def _decide(self, session: users.Session | None, needed: Access, path: bytes,
                request: Request) -> Any:
        request.gd_session = session  # type: ignore[attr-defined]
        role = session.user.role if session else None
        if not allowed(role, needed, anonymous_read=self._anonymous_read):
            if session is None:
                return ErrorPage(401, "нужно войти в систему (login required)")
            return ErrorPage(403, f"роли «{role}» это не разрешено (forbidden for role {role})")
        if needed >= Access.EDITOR and request.method not in (b"GET", b"HEAD"):
            header = request.getHeader(CSRF_HEADER)
            sent = header.decode("ascii", "replace") if header else _form_value(request,
                                                                                 b"csrf_token")
            if session is None or sent != session.csrf_token:
                return ErrorPage(403, "нет или неверный CSRF-токен (missing or wrong CSRF token)")
        return self._root.getChildWithDefault(path, request)


def _form_value(request: Request, name: bytes) -> str | None:
    values = (request.args or {}).get(name)
    return values[0].decode("utf-8", "replace") if values else None


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class LoginPage(Resource):
    """``GET /login`` shows the form; ``POST /login`` (form or JSON) opens a session."""

    isLeaf = True

    def __init__(self, pool: adbapi.ConnectionPool, *, lifetime: timedelta,
                 secure_cookie: bool) -> None:
        super().__init__()
        self._pool, self._lifetime, self._secure = pool, lifetime, secure_cookie

    def render_GET(self, request: Request) -> bytes:  # noqa: N802
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return _login_form(_safe_next(_form_value(request, b"next")), None)

    def render_POST(self, request: Request) -> int:  # noqa: N802
        is_json = (request.getHeader(b"content-type") or b"").startswith(b"application/json")
        try:
            if is_json:
                assert request.content is not None
                body = json.loads(request.content.read() or b"{}")
                login, password = str(body.get("login", "")), str(body.get("password", ""))
            else:
                login = _form_value(request, b"login") or ""
                password = _form_value(request, b"password") or ""
        except (ValueError, AttributeError):
            write_json(request, 400, {"error": "body must be JSON with login and password",
                                      "detail": None})
            return NOT_DONE_YET
        target = _safe_next(_form_value(request, b"next"))
        d: Deferred[tuple[users.User, str, str] | None] = self._pool.runInteraction(
            _attempt, login, password, self._lifetime)
        d.addCallback(self._answer, request, login, is_json, target)
        d.addErrback(_storage_failed, request)
        return NOT_DONE_YET

    def _answer(self, outcome: tuple[users.User, str, str] | None, request: Request,
                login: str, is_json: bool, target: str) -> None:
        if outcome is None:
            log.info("failed sign-in for {login} from {peer}", login=login,
                     peer=str(request.getClientAddress()))
            if is_json:
                write_json(request, 401, {"error": "invalid login or password", "detail": None})
            else:
                request.setResponseCode(401)
                request.setHeader(b"content-type", b"text/html; charset=utf-8")
                request.write(_login_form(target, "Неверный логин или пароль"))
                request.finish()
            return
        user, token, csrf = outcome
        log.info("{login} ({role}) signed in", login=user.login, role=user.role)
        request.addCookie(COOKIE, token.encode(), path=b"/", httpOnly=True, sameSite="strict",
                          secure=self._secure,
                          max_age=str(int(self._lifetime.total_seconds())).encode())
        if is_json:
            write_json(request, 200, {"user": {"login": user.login, "role": user.role},
                                      "csrf_token": csrf})
        else:
            request.redirect(target.encode())
            request.setResponseCode(303)
            request.finish()


def _storage_failed(failure: Failure, request: Request) -> None:
    log.failure("sign-in failed", failure)
    write_json(request, 503, {"error": "storage unavailable", "detail": None})


def _attempt(cur: Any, login: str, password: str,
             lifetime: timedelta) -> tuple[users.User, str, str] | None:
    found = users.credentials(cur, login)
    if not verify_password(password, found[1] if found else _DUMMY_HASH) or found is None:
        return None
    token, csrf = users.open_session(cur, found[0], lifetime)
    return found[0], token, csrf


class LogoutPage(Resource):
    """``POST /logout`` (with the CSRF token) ends the session everywhere."""

    isLeaf = True

    def __init__(self, pool: adbapi.ConnectionPool, gate: AuthGate) -> None:
        super().__init__()
        self._pool, self._gate = pool, gate

    def render_POST(self, request: Request) -> int:  # noqa: N802
        token = request.getCookie(COOKIE)
        request.addCookie(COOKIE, b"", path=b"/", httpOnly=True, sameSite="strict", max_age=b"0")
        if token is None:
            request.redirect(b"/login")
            request.finish()
            return NOT_DONE_YET
        self._gate.forget(token)
        d: Deferred[None] = self._pool.runInteraction(users.close_session,
                                                      token.decode("ascii", "replace"))

        def done(_: object) -> None:
            request.redirect(b"/login")
            request.setResponseCode(303)
            request.finish()

        d.addCallback(done)
        return NOT_DONE_YET


class SessionInfo(Resource):
    """``GET /api/session``: who is signed in and the CSRF token pages send with writes."""

    isLeaf = True

    def __init__(self, anonymous_read: bool) -> None:
        super().__init__()
        self._anonymous_read = anonymous_read

    def render_GET(self, request: Request) -> int:  # noqa: N802
        session = current_session(request)
        write_json(request, 200, {
            "user": ({"login": session.user.login, "role": session.user.role}
                     if session else None),
            "csrf_token": session.csrf_token if session else None,
            "anonymous_read": self._anonymous_read})
        return NOT_DONE_YET


def _login_form(target: str, error: str | None) -> bytes:
    message = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    body = f"""<form method="post" action="/login" class="login">
  <h1>Диспетчерская: вход</h1>{message}
  <input type="hidden" name="next" value="{html.escape(target)}">
  <label>Логин <input name="login" autocomplete="username" required autofocus></label>
  <label>Пароль <input name="password" type="password" autocomplete="current-password"
    required></label>
  <button type="submit">Войти</button>
</form>"""
    return _page("Вход", body)


def _page(title: str, body: str) -> bytes:
    return f"""<!doctype html><html lang="ru"><head><meta charset="utf-8">
<title>{html.escape(title)} · glonass-dispatch</title>
<link rel="icon" href="/static/img/favicon.svg"><link rel="stylesheet" href="/static/css/pages.css">
</head><body>{body}</body></html>""".encode()
