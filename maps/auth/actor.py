"""Who makes an HTTP request, as the audit trail names them: login, role and address."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from twisted.web.server import Request

from db.audit import Actor, acting
from maps.auth.gate import client_address, current_session

P = ParamSpec("P")
T = TypeVar("T")


def request_actor(request: Request) -> Actor:
    session = current_session(request)
    address = client_address(request)
    if session is None:
        return Actor(None, None, address)
    return Actor(session.user.login, session.user.role, address)


def on_behalf_of(request: Request,
                 work: Callable[Concatenate[Any, P], T]) -> Callable[Concatenate[Any, P], T]:
    """``work`` for ``runInteraction``, its writes recorded as made by the request's user."""
    return acting(request_actor(request), work)

