"""The command line against the test database: its environment, and a cursor beside it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg2
import pytest


@pytest.fixture()
def cli_env(dsn: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The CLI reads the test database (``DATABASE_URL``) and no configuration file."""
    monkeypatch.setenv("DATABASE_URL", dsn)
    monkeypatch.delenv("GLONASS_DISPATCH_CONFIG", raising=False)
    return dsn


@pytest.fixture()
def cur(cli_env: str) -> Iterator[Any]:
    """A cursor on the database the CLI uses (autocommit: it sees the CLI's commits)."""
    conn = psycopg2.connect(cli_env)
    conn.autocommit = True
    with conn.cursor() as cursor:
        yield cursor
    conn.close()
