"""``/api/users`` (admins): accounts of dispatchers, auditors and admins.

* ``GET /api/users``: every account with role, state, creation and last sign-in;
* ``POST /api/users``: ``{"login", "role", "password"}`` adds one (201);
* ``PUT|PATCH /api/users/{login}``: any of ``{"role", "disabled", "password"}``;
* ``DELETE /api/users/{login}``: removes it (204).

A new role or password, disabling and removing end the account's sessions (``db.users``); the
last enabled admin cannot be taken away (409). Every change enters the audit trail as made by
the signed-in admin.
"""

from __future__ import annotations

from typing import Any

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred, succeed
from twisted.web.server import Request

from db import users
from maps.api.json_resource import ApiError, JsonResource, Reply, read_json
from maps.auth.actor import on_behalf_of
from maps.auth.password_pool import PasswordPool

_FIELDS = {"login": str, "role": str, "password": str, "disabled": bool}


class UsersResource(JsonResource):
    def __init__(self, pool: adbapi.ConnectionPool, hasher: PasswordPool) -> None:
        super().__init__()
        self._pool, self._hasher = pool, hasher

    def get(self, request: Request) -> Deferred[Any]:
        if _login(request) is not None:
            raise ApiError(405, "список учётных записей: GET /api/users")
        found: Deferred[list[users.Account]] = self._pool.runInteraction(users.list_accounts)
        return found.addCallback(lambda accounts: [account_view(a) for a in accounts])

    def post(self, request: Request) -> Deferred[Any]:
        if _login(request) is not None:
            raise ApiError(405, "новая учётная запись: POST /api/users")
        body = _body(request, required=("login", "role", "password"))
        login, role = _checked(users.check_login, body["login"]), _checked(users.check_role,
                                                                             body["role"])

        def store(password_hash: str) -> Deferred[users.Account]:
            added: Deferred[users.Account] = self._pool.runInteraction(
                on_behalf_of(request, _add), login, password_hash, role)
            return added

        created = self._hashed(body["password"]).addCallback(store)
        return created.addCallback(lambda account: Reply(201, account_view(account)))

    def put(self, request: Request) -> Deferred[Any]:
        login = _required_login(request)
        body = _body(request, required=())
        if "login" in body:
            raise ApiError(400, "логин не меняется: заведите новую учётную запись",
                           {"field": "login"})
        if not body:
            raise ApiError(400, "укажите role, disabled или password", {"field": "body"})
        role = _checked(users.check_role, body["role"]) if "role" in body else None
        password = body.get("password")
        hashed: Deferred[Any] = (self._hashed(password) if password is not None
                                 else succeed(None))

        def store(password_hash: str | None) -> Deferred[users.Account]:
            changed: Deferred[users.Account] = self._pool.runInteraction(
                on_behalf_of(request, _change), login, role, body.get("disabled"), password_hash)
            return changed

        return hashed.addCallback(store).addCallback(account_view)

    def render_PATCH(self, request: Request) -> Any:  # noqa: N802 (Twisted's name)
        return self.render_PUT(request)

    def delete(self, request: Request) -> Deferred[Any]:
        login = _required_login(request)
        d: Deferred[bool] = self._pool.runInteraction(on_behalf_of(request, _remove), login)
        return d.addCallback(lambda _: Reply(204))

    def _hashed(self, password: str) -> Deferred[str]:
        """The password's hash, from the hashing pool (scrypt never runs on the reactor)."""
        return self._hasher.hash(_checked(users.check_password, password))


def account_view(account: users.Account) -> dict[str, Any]:
    last = account.last_sign_in_at
    return {"login": account.login, "role": account.role, "disabled": account.disabled,
            "created_at": account.created_at.isoformat(),
            "last_sign_in_at": last.isoformat() if last is not None else None}


def _login(request: Request) -> str | None:
    rest = [p for p in (request.postpath or []) if p]
    if len(rest) > 1:
        raise ApiError(404, "нет такого ресурса: /api/users/{логин}")
    return rest[0].decode("utf-8", "replace") if rest else None


def _required_login(request: Request) -> str:
    login = _login(request)
    if login is None:
        raise ApiError(405, "укажите учётную запись: /api/users/{логин}")
    return login


def _body(request: Request, required: tuple[str, ...]) -> dict[str, Any]:
    """The JSON object of the request with only known fields, each of its type."""
    body = read_json(request)
    if not isinstance(body, dict):
        raise ApiError(400, "тело запроса: нужен объект JSON", {"field": "body"})
    for name, value in body.items():
        expected = _FIELDS.get(name)
        if expected is None:
            raise ApiError(400, f"неизвестное поле {name!r}", {"field": name})
        if type(value) is not expected:
            wanted = "true или false" if expected is bool else "строка"
            raise ApiError(400, f"{name}: ожидается {wanted}", {"field": name})
    for name in required:
        if name not in body:
            raise ApiError(400, f"{name}: обязательное поле", {"field": name})
    return body


def _checked(check: Any, value: str) -> str:
    try:
        checked: str = check(value)
    except users.AccountError as e:
        raise ApiError(400, e.message, {"field": e.field}) from e
    return checked


def _account(cur: Any, login: str) -> users.Account:
    found = users.list_accounts(cur, login)
    if not found:
        raise ApiError(404, f"нет учётной записи {login!r}", {"field": "login"})
    return found[0]


def _refused(error: users.AccountError) -> ApiError:
    return ApiError(409, error.message, {"field": error.field})


def _add(cur: Any, login: str, password_hash: str, role: str) -> users.Account:
    try:
        users.add_user(cur, login, password_hash, role)
    except users.AccountError as e:
        raise _refused(e) from e
    return _account(cur, login)


def _change(cur: Any, login: str, role: str | None, disabled: bool | None,
            password_hash: str | None) -> users.Account:
    _account(cur, login)
    try:
        if role is not None:
            users.set_role(cur, login, role)
        if disabled is not None:
            users.set_disabled(cur, login, disabled)
    except users.AccountError as e:
        raise _refused(e) from e
    if password_hash is not None:
        users.set_password(cur, login, password_hash)
    return _account(cur, login)


def _remove(cur: Any, login: str) -> bool:
    _account(cur, login)
    try:
        return users.remove_user(cur, login)
    except users.AccountError as e:
        raise _refused(e) from e
