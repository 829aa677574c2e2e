"""One served instance per test module, with a dispatcher signed in (starting a server takes
seconds; each test empties the dispatch tables instead)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from db.cluster import LocalCluster
from tests.conftest import Served
from tests.dispatch_support import SignedIn, empty_dispatch_tables, signed_in_server


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
