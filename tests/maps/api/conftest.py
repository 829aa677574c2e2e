"""Served instances for the API tests: one per test module with a dispatcher signed in (starting
a server takes seconds; each test empties the dispatch tables instead), and one per test with
the staff's three accounts and anonymous reading off, for accounts and the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.cluster import LocalCluster
from tests.conftest import Served, start_server, stop_server
from tests.dispatch_support import SignedIn, empty_dispatch_tables, signed_in_server
from tests.maps.auth.test_sign_in import add_user, sign_in
from tests.served_pages import AUDITOR, DISPATCHER

ADMIN = ("boss", "nachalnik-2026!")


@pytest.fixture(scope="module")
def module_server(postgis_cluster: LocalCluster, tmp_path_factory: pytest.TempPathFactory,
                  request: pytest.FixtureRequest) -> Iterator[SignedIn]:
    """The module's server; a module that needs other settings defines its own."""
    yield from signed_in_server(postgis_cluster,
                                tmp_path_factory.mktemp(request.module.__name__.split(".")[-1]))


@pytest.fixture()
def signed_in(module_server: SignedIn) -> tuple[Served, dict[str, str]]:
    """The module's server with no routes, vehicles or fixes left by the previous test."""
    empty_dispatch_tables(module_server.dsn)
    return module_server.served, module_server.auth


@pytest.fixture()
def served(dsn: str, tmp_path: Path) -> Iterator[Served]:
    """An admin, a dispatcher and an auditor; visitors read nothing."""
    for (login, password), role in ((ADMIN, "admin"), (DISPATCHER, "dispatcher"),
                                    (AUDITOR, "auditor")):
        add_user(dsn, login, password, role)
    server = start_server(dsn, tmp_path, "[auth]\nanonymous_read = false\n")
    yield server
    stop_server(server)


@pytest.fixture()
def admin(served: Served) -> dict[str, str]:
    """The admin's session on ``served``."""
    return sign_in(served, *ADMIN)
