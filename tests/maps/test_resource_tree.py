"""Every resource the site serves has an access rule, and admin resources guard themselves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from twisted.enterprise import adbapi
from twisted.internet.testing import MemoryReactorClock
from twisted.web.resource import Resource

from maps.access import RULES, Access, rule_for
from maps.auth import AdminOnly, AuthGate
from maps.settings import MapSettings
from maps.web import make_site


def site_root() -> Resource:
    reactor = MemoryReactorClock()
    pool = adbapi.ConnectionPool("psycopg2", "dbname=none", cp_min=0, cp_reactor=reactor)
    site = make_site(pool, MapSettings(), lambda: datetime(2026, 12, 5, tzinfo=UTC), reactor,
                     metrics=Resource(), nis=Resource())
    gate = site.resource
    assert isinstance(gate, AuthGate)
    return gate._root


def walk(resource: Resource, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...],
                                                                           Resource]]:
    inner = resource._inner if isinstance(resource, AdminOnly) else resource
    yield path, resource
    for name, child in inner.children.items():
        if name:
            yield from walk(child, (*path, name.decode()))


def test_every_served_resource_has_a_rule() -> None:
    """A resource added without a rule fails here instead of being reachable by default."""
    missing = [path for path, resource in walk(site_root())
               if rule_for(path) is None and type(resource) is not Resource]
    assert missing == []


def test_every_rule_names_a_served_resource() -> None:
    """No stale rule keeps a path open after its resource went away."""
    served = {path for path, _ in walk(site_root())}
    assert set(RULES) - served == set()


def test_admin_resources_check_the_role_themselves() -> None:
    """Defence in depth: whatever the table says, admin resources refuse non-admins."""
    for path, resource in walk(site_root()):
        rule = rule_for(path)
        if rule is not None and rule.read == Access.ADMIN and path[:1] != ("admin",) or \
                path == ("admin",):
            assert isinstance(resource, AdminOnly), path
