"""Signing in and out: ``/login``, ``/logout``, ``/api/session`` and the throttled logins list.

A sign-in checks the throttle first (a waiting login is refused before any hashing), reads the
account in the database pool, checks the password in the hashing pool, then opens the session.
Unknown logins cost the same hashing as known ones, so timing does not tell them apart.
"""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred, succeed
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request

from db import audit, users
from maps.api.json_resource import ApiError, JsonResource, parse_json_object, write_json
from maps.auth.gate import COOKIE, client_address, current_session
from maps.auth.password_pool import HashingBusy, PasswordPool
from maps.auth.passwords import hash_password
from maps.auth.throttle import SignInThrottle
from maps.pages.plain import plain_page

MAX_LOGIN_CHARS, MAX_PASSWORD_CHARS = 200, 1024
_DUMMY_HASH = hash_password("not a real password")  # equal work whether the login exists or not
log = Logger()


def _form_value(request: Request, name: bytes) -> str | None:
    values = (request.args or {}).get(name)
    return values[0].decode("utf-8", "replace") if values else None


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class _Attempt:
    """One sign-in on its way through the throttle, the account lookup and the hash."""

    def __init__(self, request: Request, login: str, *, is_json: bool, target: str) -> None:
        self.request, self.login, self.is_json, self.target = request, login, is_json, target
        self.address = client_address(request)

    def refuse(self, status: int, message: str, retry_after: int | None = None) -> None:
        request = self.request
        if retry_after is not None:
            request.setHeader(b"retry-after", str(retry_after).encode())
        if self.is_json:
            write_json(request, status, {"error": message, "detail": None})
            return
        request.setResponseCode(status)
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        request.write(login_form(self.target, message))
        request.finish()


class LoginPage(Resource):
    """``GET /login`` shows the form; ``POST /login`` (form or JSON) opens a session."""

    isLeaf = True

    def __init__(self, pool: adbapi.ConnectionPool, hasher: PasswordPool,
                 throttle: SignInThrottle, *, lifetime: timedelta, secure_cookie: bool) -> None:
        super().__init__()
        self._pool, self._hasher, self._throttle = pool, hasher, throttle
        self._lifetime, self._secure = lifetime, secure_cookie

    def render_GET(self, request: Request) -> bytes:  # noqa: N802
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return login_form(_safe_next(_form_value(request, b"next")), None)

    def render_POST(self, request: Request) -> int:  # noqa: N802
        is_json = (request.getHeader(b"content-type") or b"").startswith(b"application/json")
        target = _safe_next(_form_value(request, b"next"))
        try:
            login, password = _credentials(request, is_json)
        except ApiError as e:
            _Attempt(request, "", is_json=is_json, target=target).refuse(e.status, e.message)
            return NOT_DONE_YET
        attempt = _Attempt(request, login, is_json=is_json, target=target)
        wait = self._throttle.retry_after(login, attempt.address)
        if wait is not None:
            log.warn("sign-in for {login} from {address} throttled for {wait}s",
                     login=login, address=attempt.address, wait=wait)
            attempt.refuse(429, f"Слишком много неудачных попыток входа. Повторите через "
                                f"{_minutes(wait)}.", retry_after=wait)
            return NOT_DONE_YET
        d: Deferred[Any] = self._pool.runInteraction(users.credentials, login)
        d.addCallback(self._check_password, password)
        d.addCallback(self._open_session, attempt)
        d.addErrback(self._failed, attempt)
        return NOT_DONE_YET

    def _check_password(self, found: tuple[users.User, str] | None,
                        password: str) -> Deferred[users.User | None]:
        d = self._hasher.verify(password, found[1] if found else _DUMMY_HASH)
        return d.addCallback(lambda ok: found[0] if ok and found is not None else None)

    def _open_session(self, user: users.User | None, attempt: _Attempt) -> Deferred[None] | None:
        if user is None:
            wait = self._throttle.failed(attempt.login, attempt.address)
            log.info("failed sign-in for {login} from {address}", login=attempt.login,
                     address=attempt.address)
            attempt.refuse(401, "Неверный логин или пароль")
            events: list[tuple[str, str | None]] = [("sign_in_failed", None)]
            if wait is not None:
                events.append(("sign_in_throttled", f"вход приостановлен на {wait} с"))
            self._note(attempt, events)
            return None
        self._throttle.succeeded(attempt.login, attempt.address)
        d: Deferred[tuple[str, str]] = self._pool.runInteraction(
            _open_recorded, user, self._lifetime, attempt.address)
        return d.addCallback(self._signed_in, user, attempt)

    def _note(self, attempt: _Attempt, events: list[tuple[str, str | None]]) -> None:
        """A refused sign-in in the audit trail; the answer to the visitor does not wait."""
        d: Deferred[None] = self._pool.runInteraction(_record_refusal, attempt.login,
                                                      attempt.address, events)
        d.addErrback(lambda f: log.failure("could not record a refused sign-in for {login}", f,
                                           login=attempt.login))

    def _signed_in(self, tokens: tuple[str, str], user: users.User, attempt: _Attempt) -> None:
        token, csrf = tokens
        request = attempt.request
        log.info("{login} ({role}) signed in from {address}", login=user.login, role=user.role,
                 address=attempt.address)
        request.addCookie(COOKIE, token.encode(), path=b"/", httpOnly=True, sameSite="strict",
                          secure=self._secure,
                          max_age=str(int(self._lifetime.total_seconds())).encode())
        if attempt.is_json:
            write_json(request, 200, {"user": {"login": user.login, "role": user.role},
                                      "csrf_token": csrf})
        else:
            request.redirect(attempt.target.encode())
            request.setResponseCode(303)
            request.finish()

    def _failed(self, failure: Failure, attempt: _Attempt) -> None:
        if failure.check(HashingBusy):
            attempt.refuse(503, "Слишком много одновременных входов, повторите через минуту",
                           retry_after=5)
            return
        log.failure("sign-in for {login} failed", failure, login=attempt.login)
        attempt.refuse(503, "Хранилище недоступно, повторите позже")


def _open_recorded(cur: Any, user: users.User, lifetime: timedelta,
                   address: str) -> tuple[str, str]:
    tokens = users.open_session(cur, user, lifetime)
    audit.record(cur, actor=user.login, role=user.role, address=address, action="sign_in",
                 kind="session", object_id=user.login)
    return tokens


def _record_refusal(cur: Any, login: str, address: str,
                    events: list[tuple[str, str | None]]) -> None:
    for action, detail in events:
        audit.record(cur, actor=None, role=None, address=address, action=action,
                     kind="session", object_id=login, detail=detail)


def _close_recorded(cur: Any, token: str, address: str) -> None:
    session = users.find_session(cur, token)
    users.close_session(cur, token)
    if session is not None:
        audit.record(cur, actor=session.user.login, role=session.user.role, address=address,
                     action="sign_out", kind="session", object_id=session.user.login)


def _credentials(request: Request, is_json: bool) -> tuple[str, str]:
    if is_json:
        assert request.content is not None
        body = parse_json_object(request.content.read(64 * 1024))
        login, password = body.get("login", ""), body.get("password", "")
        if not isinstance(login, str) or not isinstance(password, str):
            raise ApiError(400, "login и password должны быть строками")
    else:
        login = _form_value(request, b"login") or ""
        password = _form_value(request, b"password") or ""
    if len(login) > MAX_LOGIN_CHARS or len(password) > MAX_PASSWORD_CHARS:
        raise ApiError(400, "Слишком длинный логин или пароль")
    return login, password


def _minutes(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} с"
    return f"{(seconds + 59) // 60} мин"


class LogoutPage(Resource):
    """``POST /logout`` ends the session everywhere (SameSite=Strict keeps other sites out)."""

    isLeaf = True

    def __init__(self, pool: adbapi.ConnectionPool) -> None:
        super().__init__()
        self._pool = pool

    def render_POST(self, request: Request) -> int:  # noqa: N802
        token = request.getCookie(COOKIE)
        request.addCookie(COOKIE, b"", path=b"/", httpOnly=True, sameSite="strict", max_age=b"0")

        def done(_: object = None) -> None:
            request.redirect(b"/login")
            request.setResponseCode(303)
            request.finish()

        if token is None:
            done()
            return NOT_DONE_YET
        d: Deferred[None] = self._pool.runInteraction(
            _close_recorded, token.decode("ascii", "replace"), client_address(request))
        d.addCallback(done)
        d.addErrback(lambda f: log.failure("sign-out failed", f))
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


class ThrottledSignIns(JsonResource):
    """``GET /api/sign-in-throttle``: the logins and addresses that must wait now (admins)."""

    def __init__(self, throttle: SignInThrottle) -> None:
        super().__init__()
        self._throttle = throttle

    def get(self, request: Request) -> Deferred[Any]:
        rows = [{"login": t.login, "address": t.address, "failures": t.failures,
                 "retry_after_s": t.retry_after_s} for t in self._throttle.throttled()]
        return succeed({"throttled": rows})


def login_form(target: str, error: str | None) -> bytes:
    message = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    body = f"""<form method="post" action="/login" class="login">{message}
  <input type="hidden" name="next" value="{html.escape(target)}">
  <label>Логин <input name="login" autocomplete="username" required autofocus></label>
  <label>Пароль <input name="password" type="password" autocomplete="current-password"
    required></label>
  <button type="submit">Войти</button>
</form>"""
    return plain_page("Вход в диспетчерскую", body, back_link=False)

