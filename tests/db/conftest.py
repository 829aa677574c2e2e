"""Fixtures of the storage tests beyond the suite's own (``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg2
import pytest


@pytest.fixture()
def conn(dsn: str) -> Iterator[Any]:
    """A connection to the emptied test database; ``with conn`` makes one transaction, as the
    web and CLI paths do (the audit actor is set for a transaction)."""
    connection = psycopg2.connect(dsn)
    yield connection
    connection.close()
