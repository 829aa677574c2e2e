"""Which database the settings name: the external ``DATABASE_URL`` or the embedded cluster."""

from __future__ import annotations

import getpass
import os
from typing import Any

import psycopg2

from db.audit import Actor, act_as
from db.cluster import LocalCluster
from db.errors import StorageError
from egts_server.config import Settings


def embedded_cluster(settings: Settings) -> LocalCluster:
    e = settings.database.embedded
    return LocalCluster(settings.resolve(e.data_dir), e.port, e.database, e.user)


def database_dsn(settings: Settings) -> str:
    """``DATABASE_URL``/``database.url`` when set, else the embedded cluster's socket."""
    return settings.database.url or embedded_cluster(settings).dsn()


def connect(settings: Settings) -> Any:
    """A psycopg2 connection for the CLI, or a StorageError that says what to do.

    Its writes enter the audit trail as made by ``cli:<OS user>``.
    """
    try:
        conn = psycopg2.connect(database_dsn(settings))
    except psycopg2.OperationalError as e:
        raise StorageError(f"cannot connect to the database: {str(e).strip()} "
                           "(is it running? `glonass-dispatch db start`)") from e
    with conn, conn.cursor() as cur:
        act_as(cur, cli_actor(), whole_session=True)
    return conn


def cli_actor() -> Actor:
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment nor in the user database
        user = f"uid {os.getuid()}"
    return Actor(f"cli:{user}")
