"""Every path of the URL table has an access rule and back, and admin resources guard themselves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from twisted.enterprise import adbapi
from twisted.internet.testing import MemoryReactorClock
from twisted.web.resource import Resource

from egts_server.codec.egts import result_code_name
from maps.auth.access import RULES, Access, rule_for
from maps.auth.gate import AdminOnly, AuthGate
from maps.settings import AuthSettings, GtfsRtSettings, MapSettings, PublicSettings, SiteSettings
from maps.url_table import SiteParts, UrlPath, url_table
from maps.web import make_site

NOW = datetime(2026, 12, 5, tzinfo=UTC)


def pool(reactor: MemoryReactorClock) -> adbapi.ConnectionPool:
    return adbapi.ConnectionPool("psycopg2", "dbname=none", cp_min=0, cp_reactor=reactor)


def table() -> dict[UrlPath, Resource]:
    reactor = MemoryReactorClock()
    primary = pool(reactor)
    return url_table(SiteParts(
        primary, primary, MapSettings(), lambda: NOW, reactor, AuthSettings(), SiteSettings(),
        PublicSettings(), GtfsRtSettings(), 3600.0, metrics=Resource(), nis=Resource(),
        storm_gauges=None, name_result_code=result_code_name))


def site_root() -> Resource:
    reactor = MemoryReactorClock()
    site = make_site(pool(reactor), MapSettings(), lambda: NOW, reactor,
                     metrics=Resource(), nis=Resource(), name_result_code=result_code_name)
    gate = site.resource
    assert isinstance(gate, AuthGate)
    return gate._root


def walk(resource: Resource, path: UrlPath = ()) -> Iterator[tuple[UrlPath, Resource]]:
    inner = resource._inner if isinstance(resource, AdminOnly) else resource
    yield path, resource
    for name, child in inner.children.items():
        if name:
            yield from walk(child, (*path, name.decode()))


def test_every_path_of_the_table_has_a_rule() -> None:
    """A resource added without a rule fails here instead of being reachable by default."""
    assert [path for path in table() if rule_for(path) is None] == []


def test_every_rule_names_a_path_of_the_table() -> None:
    """No stale rule keeps a path open after its resource went away (``/api`` and ``/admin``
    are folders of the table's paths)."""
    folders = {path[:n] for path in table() for n in range(1, len(path))}
    assert set(RULES) - set(table()) - folders == set()


def test_the_site_serves_exactly_the_table() -> None:
    """Each path of the table leads to its resource, and the folders above them hold nothing
    else (what lies below a table's resource is that resource's business); ``/`` alone is the
    table's root resource."""
    root = site_root()
    served = dict(walk(root))
    listed = table()
    folders = {path[:n] for path in listed for n in range(1, len(path))}
    for path, resource in listed.items():
        found = served[path] if path else root.children[b""]
        assert type(found._inner if isinstance(found, AdminOnly) else found) is type(resource)
    in_folders = {path for path in served if path[:-1] in folders or len(path) == 1}
    assert in_folders == (set(listed) | folders) - {()}


def test_admin_resources_check_the_role_themselves() -> None:
    """Defence in depth: whatever the gate decides, admin resources refuse non-admins."""
    checked = []
    for path, resource in walk(site_root()):
        rule = RULES.get(path)
        if rule is not None and rule.read == Access.ADMIN:
            assert isinstance(resource, AdminOnly), path
            checked.append(path)
    assert sorted(checked) == [("admin",), ("api", "audit"), ("api", "fleet"),
                               ("api", "sign-in-throttle"), ("api", "terminals"), ("api", "users")]
