"""The database the settings name, and the CLI's connection to it: reachable or one clear
error, and its writes attributed to ``cli:<OS user>`` for the whole session."""

from __future__ import annotations

import dataclasses
import getpass
import os

import pytest

from db.errors import StorageError
from egts_server.config import Settings
from egts_server.database import cli_actor, connect, database_dsn

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"


def with_url(url: str) -> Settings:
    settings = Settings()
    return dataclasses.replace(settings, database=dataclasses.replace(settings.database, url=url))


def test_an_external_url_wins_over_the_embedded_cluster() -> None:
    assert database_dsn(with_url(UNREACHABLE)) == UNREACHABLE
    embedded = database_dsn(Settings())
    assert embedded.startswith("host=") and embedded.endswith(
        " port=55432 dbname=glonass user=glonass")


def test_an_unreachable_database_is_one_storage_error_saying_what_to_do() -> None:
    with pytest.raises(StorageError) as refused:
        connect(with_url(UNREACHABLE))
    message = str(refused.value)
    assert message.startswith("cannot connect to the database: ")
    assert message.endswith(" (is it running? `glonass-dispatch db start`)")


def test_every_transaction_of_the_connection_acts_as_the_os_user(dsn: str) -> None:
    conn = connect(with_url(dsn))
    try:
        for _ in range(2):  # a later transaction too, not only the first
            with conn, conn.cursor() as cur:
                cur.execute("SELECT current_setting('glonass.audit_login'),"
                            " current_setting('glonass.audit_role')")
                assert cur.fetchone() == (f"cli:{getpass.getuser()}", "")
    finally:
        conn.close()


def test_without_a_login_name_the_actor_is_the_uid(monkeypatch: pytest.MonkeyPatch) -> None:
    """A container started with a bare uid has no name in the environment or /etc/passwd."""
    def no_name() -> str:
        raise KeyError("getpwuid(): uid not found")

    monkeypatch.setattr(getpass, "getuser", no_name)
    assert cli_actor().login == f"cli:uid {os.getuid()}"
