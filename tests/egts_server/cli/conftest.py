"""The command line against the test database: its environment, and a cursor beside it."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture()
def cli_env(dsn: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The CLI reads the test database (``DATABASE_URL``) and no configuration file."""
    monkeypatch.setenv("DATABASE_URL", dsn)
    monkeypatch.delenv("GLONASS_DISPATCH_CONFIG", raising=False)
    return dsn


@pytest.fixture()
def cur(cli_env: str, cur: Any) -> Any:
    """The suite's autocommit cursor, on the database the CLI is pointed at."""
    return cur
