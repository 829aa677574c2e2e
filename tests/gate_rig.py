"""The access gate over in-memory HTTP: raw request bytes in, status, headers and body out.

No database and no socket: sessions come from a table of tokens, and the site is a small tree
with the real rule table's paths, each answering 200 "served" when reached (``/api/session``,
``/editor`` and ``/admin/whoami`` answer with the login the request is signed in as).
"""

from __future__ import annotations

from dataclasses import dataclass

from twisted.internet.defer import Deferred, succeed
from twisted.internet.testing import StringTransport
from twisted.web.resource import Resource
from twisted.web.server import Request, Site

from db.users import Session, User
from maps.auth.gate import AdminOnly, AuthGate, current_login

SESSIONS = {
    "tok-admin": Session(User(1, "boss", "admin"), "csrf-admin"),
    "tok-disp": Session(User(2, "disp", "dispatcher"), "csrf-disp"),
    "tok-aud": Session(User(3, "aud", "auditor"), "csrf-aud"),
    "tok-odd": Session(User(4, "odd", "superuser"), "csrf-odd"),
}
TOKENS = {"admin": "tok-admin", "dispatcher": "tok-disp", "auditor": "tok-aud",
          "superuser": "tok-odd"}
LOOKUPS: list[str] = []  # every token the gate looked up, in order


class Served(Resource):
    isLeaf = True

    def render(self, request: object) -> bytes:
        return b"served"


class WhoAmI(Resource):
    """Answers with the login the gate attached to the request ("-" for nobody)."""

    isLeaf = True

    def render(self, request: Request) -> bytes:
        return (current_login(request) or "-").encode()


class Greeting(Resource):
    """A page made for one request, naming who it was made for."""

    isLeaf = True

    def __init__(self, login: str | None) -> None:
        super().__init__()
        self._login = login

    def render(self, request: Request) -> bytes:
        return (self._login or "-").encode()


class Root(Resource):
    """The site's root; ``/editor`` is made per request, as Twisted's dynamic children are."""

    def getChild(self, path: bytes, request: Request) -> Resource:  # noqa: N802
        if path == b"editor":
            return Greeting(current_login(request))
        return super().getChild(path, request)


class AdminArea(Resource):
    """``/admin``: its pages are made per request too."""

    def getChild(self, path: bytes, request: Request) -> Resource:  # noqa: N802
        if path == b"whoami":
            return Greeting(current_login(request))
        return super().getChild(path, request)


def find_session(token: str) -> Deferred[Session | None]:
    LOOKUPS.append(token)
    return succeed(SESSIONS.get(token))


def tree() -> Resource:
    root, api, admin = Root(), Resource(), AdminArea()
    root.putChild(b"", Served())
    root.putChild(b"api", api)
    root.putChild(b"static", Served())
    root.putChild(b"login", Served())
    root.putChild(b"admin", AdminOnly(admin))
    admin.putChild(b"terminals", Served())
    for name in (b"vehicles", b"routes", b"marks"):
        api.putChild(name, Served())
    api.putChild(b"session", WhoAmI())
    api.putChild(b"terminals", AdminOnly(Served()))
    api.putChild(b"storms", Resource())  # no children: Twisted's own 404 below it
    root.putChild(b"playback", Resource())
    return root


def site(anonymous_read: bool) -> Site:
    return Site(AuthGate(tree(), find_session, anonymous_read=anonymous_read))


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[bytes, bytes]  # lower-case names
    body: bytes


def exchange(site: Site, request: bytes) -> Response:
    """What ``site`` answers to one raw request."""
    transport = StringTransport()
    protocol = site.buildProtocol(None)
    protocol.makeConnection(transport)
    protocol.dataReceived(request)
    head, _, body = transport.value().partition(b"\r\n\r\n")
    status_line, *lines = head.split(b"\r\n")
    headers = {name.strip().lower(): value.strip()
               for name, _, value in (line.partition(b":") for line in lines)}
    return Response(int(status_line.split()[1]), headers, body)


def request_bytes(method: str, path: str, role: str | None = None, *,
                  csrf: str | None = None) -> bytes:
    headers = [f"{method} {path} HTTP/1.0", "Host: city"]
    if role is not None:
        headers.append(f"Cookie: gd_session={TOKENS[role]}")
    if csrf is not None:
        headers.append(f"X-CSRF-Token: {csrf}")
    headers.append("Content-Length: 0")
    return ("\r\n".join(headers) + "\r\n\r\n").encode()


def respond(method: str, path: str, role: str | None = None, *, csrf: str | None = None,
            anonymous_read: bool = False) -> Response:
    """The gate's site's whole answer to one HTTP/1.0 request."""
    return exchange(site(anonymous_read), request_bytes(method, path, role, csrf=csrf))


def call(method: str, path: str, role: str | None = None, *, csrf: str | None = None,
         anonymous_read: bool = False) -> tuple[int, bytes]:
    """The status and body the gate's site answers to one raw HTTP/1.0 request."""
    r = respond(method, path, role, csrf=csrf, anonymous_read=anonymous_read)
    return r.status, r.body


def csrf_of(role: str) -> str:
    return SESSIONS[TOKENS[role]].csrf_token
