"""The access table and the path normalisation it is looked up by."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

import pytest

from maps.auth.access import (
    ADMIN,
    DATA,
    PUBLIC,
    RULES,
    Access,
    BadPath,
    Rule,
    allowed,
    route_segments,
    rule_for,
)


def twisted_segments(path: str) -> list[bytes]:
    """The path split and percent-decoded the way ``twisted.web.server.Request`` does."""
    return [unquote_to_bytes(s) for s in path.encode()[1:].split(b"/")]


def needed(method: bytes, path: str) -> Access | None:
    rule = rule_for(route_segments(twisted_segments(path)))
    return None if rule is None else rule.needed(method)


@pytest.mark.parametrize(("method", "path", "level"), [
    (b"GET", "/static/vendor/leaflet/dist/leaflet.js", Access.ANYONE),
    (b"POST", "/login", Access.ANYONE),
    (b"POST", "/nis", Access.ANYONE),
    (b"GET", "/metrics", Access.ANYONE),
    (b"GET", "/healthz", Access.ANYONE),
    (b"GET", "/api/session", Access.ANYONE),
    (b"POST", "/logout", Access.ANYONE),
    (b"GET", "/gtfs-rt/vehicle-positions.pb", Access.ANYONE),
    (b"GET", "/", Access.READER),
    (b"HEAD", "/editor", Access.READER),
    (b"OPTIONS", "/api/routes", Access.READER),
    (b"GET", "/api/vehicles", Access.READER),
    (b"GET", "/api/vehicles/7/track", Access.READER),
    (b"POST", "/api/routes", Access.EDITOR),
    (b"PUT", "/api/routes/3", Access.EDITOR),
    (b"DELETE", "/api/marks/3", Access.EDITOR),
    (b"POST", "/api/storms", Access.EDITOR),
    (b"GET", "/api/terminals", Access.ADMIN),
    (b"POST", "/api/terminals/egts:1001/commands", Access.ADMIN),
    (b"GET", "/api/sign-in-throttle", Access.ADMIN),
    (b"GET", "/admin/delivery", Access.ADMIN),
    (b"GET", "/admin/terminals/", Access.ADMIN),
    (b"POST", "/metrics", Access.ANYONE),
    (b"HEAD", "/api/session", Access.ANYONE),
    (b"GET", "/coverage", Access.READER),
    (b"GET", "/playback", Access.READER),
    (b"GET", "/api/coverage", Access.READER),
    (b"GET", "/api/events", Access.READER),
    (b"POST", "/api/events", Access.EDITOR),
    (b"POST", "/editor", Access.EDITOR),
    (b"OPTIONS", "/api/terminals", Access.ADMIN),
    (b"HEAD", "/admin/users", Access.ADMIN),
])
def test_paths_map_to_levels(method: bytes, path: str, level: Access) -> None:
    """Each kind of path needs the level the access policy documents."""
    assert needed(method, path) == level


@pytest.mark.parametrize("path", [
    "/api/%74erminals", "/api/%74erminals/egts:1001/commands", "/%61pi/terminals",
    "/%61dmin/delivery",
    "/api/terminals/", "/admin/",
])
def test_encoded_spellings_of_admin_paths_still_need_admin(path: str) -> None:
    """A path's percent-encoded letters are decoded before the rule is chosen, as Twisted
    decodes them before it routes; an encoded spelling never falls to a weaker rule."""
    assert needed(b"POST", path) == Access.ADMIN
    assert needed(b"GET", path) == Access.ADMIN


@pytest.mark.parametrize("path", [
    "/api/terminals%2Fx", "/api/%2e%2e/terminals", "/api/./terminals", "/x/../api/terminals",
    "/api//terminals", "//api/terminals", "/api/terminals;x", "/api/%3bterminals",
    "/api/%2574erminals", "/api/terminals/egts:%00/commands", "/api/routes/1%0a",
    "/api/%ff", "/api/terminals%5cx", "/./",
])
def test_ambiguous_paths_are_refused_outright(path: str) -> None:
    """Encoded slashes, dot segments, empty segments, parameters, double encoding, control
    characters and non-UTF-8 are refused before any rule is looked up."""
    with pytest.raises(BadPath):
        route_segments(twisted_segments(path))


def test_the_bad_segment_is_named() -> None:
    with pytest.raises(BadPath, match="'%74erminals'"):
        route_segments(twisted_segments("/api/%2574erminals"))


@pytest.mark.parametrize(("path", "message"), [
    ("/api/%ff", "путь не в UTF-8"),
    ("/x/%2e%2e/y", "недопустимый сегмент пути: '..'"),
    ("/api//routes", "недопустимый сегмент пути: ''"),
    ("/api/a%3Bb", "недопустимый символ ';' в сегменте пути 'a;b'"),
])
def test_a_refused_path_is_explained_in_russian(path: str, message: str) -> None:
    """The 400 answer says exactly what is wrong with the path."""
    with pytest.raises(BadPath) as refused:
        route_segments(twisted_segments(path))
    assert str(refused.value) == message


@pytest.mark.parametrize("path", ["/api", "/api/nothing", "/secret", "/apix/terminals",
                                  "/administrator", "/api/terminalsx"])
def test_paths_without_a_rule_are_denied(path: str) -> None:
    """Deny by default: a path no rule names has no level at all (the gate answers 404)."""
    assert needed(b"GET", path) is None


def test_trailing_slash_and_root() -> None:
    assert route_segments([b""]) == ()
    assert route_segments([b"api", b"routes", b""]) == ("api", "routes")
    assert rule_for(()) == DATA


def test_rules_name_their_levels() -> None:
    """Public, data, admin and the session-aware public paths are what the table says."""
    assert RULES[("static",)] == PUBLIC and not PUBLIC.session
    assert RULES[("admin",)] == ADMIN == Rule(Access.ADMIN, Access.ADMIN)
    assert RULES[("api", "session")].session and RULES[("logout",)].session
    assert DATA.needed(b"GET") == Access.READER and DATA.needed(b"PATCH") == Access.EDITOR


def test_roles_against_levels() -> None:
    """Auditors read, dispatchers write, admins administer; anonymous reads only when allowed."""
    assert allowed("auditor", Access.READER, anonymous_read=False)
    assert not allowed("auditor", Access.EDITOR, anonymous_read=False)
    assert allowed("dispatcher", Access.EDITOR, anonymous_read=False)
    assert not allowed("dispatcher", Access.ADMIN, anonymous_read=False)
    assert allowed("admin", Access.ADMIN, anonymous_read=False)
    assert allowed(None, Access.READER, anonymous_read=True)
    assert not allowed(None, Access.READER, anonymous_read=False)
    assert not allowed(None, Access.EDITOR, anonymous_read=True)
    assert not allowed(None, Access.ADMIN, anonymous_read=True)


@pytest.mark.parametrize("role", [None, "auditor", "dispatcher", "admin", "root", ""])
def test_anyone_admits_everybody(role: str | None) -> None:
    """Sign-in, assets and the NIS intake are reachable whoever asks, even with no session."""
    assert allowed(role, Access.ANYONE, anonymous_read=False)


@pytest.mark.parametrize("level", [Access.READER, Access.EDITOR, Access.ADMIN])
def test_an_unknown_role_is_refused_everything_but_public(level: Access) -> None:
    assert not allowed("root", level, anonymous_read=True)
    assert not allowed("", level, anonymous_read=True)
