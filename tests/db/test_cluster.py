"""The embedded cluster: where its files and socket go (also when we run as root and the
unprivileged account cannot reach the checkout), how clients reach it, and its databases."""

from __future__ import annotations

import hashlib
import pwd
import tempfile
from pathlib import Path

import psycopg2
import pytest

from db import cluster as cluster_module
from db.cluster import LocalCluster, find_bindir


def test_the_newest_installed_postgresql_is_used() -> None:
    installed = [int(p.parent.parent.name)
                 for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")
                 if p.parent.parent.name.isdigit()]
    assert find_bindir() == Path(f"/usr/lib/postgresql/{max(installed)}/bin")


def test_without_a_service_account_the_configured_folder_is_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster_module, "_service_account", lambda: None)
    home = LocalCluster(tmp_path / "pg" / "data", 5999)
    assert home.data_dir == tmp_path / "pg" / "data"
    assert home.socket_dir == tmp_path / "pg" / "run"
    assert home.log_file == tmp_path / "pg" / "postgresql.log"


def test_a_folder_the_service_account_cannot_reach_moves_to_the_temporary_directory(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Named after the configured path, so each checkout keeps a cluster of its own."""
    stranger = pwd.struct_passwd(("stranger", "x", 54321, 54321, "", "/nonexistent",
                                  "/usr/sbin/nologin"))  # owns none of the folders
    monkeypatch.setattr(cluster_module, "_service_account", lambda: stranger)
    with tempfile.TemporaryDirectory() as scratch:  # every ancestor searchable by others
        top = Path(scratch)
        top.chmod(0o755)
        for folder, mode in (("open", 0o755), ("closed", 0o700)):
            (top / folder).mkdir(mode=mode)
        reachable = LocalCluster(top / "open" / "pg" / "data", 5999)
        assert reachable.data_dir == top / "open" / "pg" / "data"
        configured = top / "closed" / "pg" / "data"
        digest = hashlib.sha1(str(configured).encode()).hexdigest()[:12]
        assert LocalCluster(configured, 5999).data_dir == (
            Path(tempfile.gettempdir()) / f"glonass-pg-{digest}" / "data")


def test_a_socket_path_too_long_for_unix_sockets_moves_to_the_temporary_directory(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster_module, "_service_account", lambda: None)
    short = LocalCluster(Path("/srv/g/data"), 5999)
    assert short.socket_dir == Path("/srv/g/run")
    deep = Path("/srv/" + "x" * 80 + "/data")
    digest = hashlib.sha1(str(deep).encode()).hexdigest()[:12]
    assert LocalCluster(deep, 5999).socket_dir == (
        Path(tempfile.gettempdir()) / f"glonass-pg-{digest}")


def test_clients_reach_the_cluster_through_its_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster_module, "_service_account", lambda: None)
    home = LocalCluster(Path("/srv/g/data"), 5999, database="city", user="dispatch")
    assert home.dsn() == "host=/srv/g/run port=5999 dbname=city user=dispatch"
    assert home.dsn("postgres") == "host=/srv/g/run port=5999 dbname=postgres user=dispatch"
    assert home.url() == "postgresql://dispatch@localhost:5999/city?host=/srv/g/run"


def test_a_cluster_never_initialised_says_so(tmp_path: Path) -> None:
    home = LocalCluster(tmp_path / "pg" / "data", 5999)
    assert not home.is_initialised()
    assert home.status() == f"not initialised ({home.data_dir})"
    home.stop()  # nothing to stop: no error


def test_the_running_cluster_creates_and_drops_databases(postgis_cluster: LocalCluster) -> None:
    assert postgis_cluster.is_running()
    assert postgis_cluster.status() == (
        f"running: {postgis_cluster.data_dir}, port {postgis_cluster.port},"
        f" socket {postgis_cluster.socket_dir}")
    name = f"{postgis_cluster.database}_scratch"
    postgis_cluster.create_database(name)
    try:
        with psycopg2.connect(postgis_cluster.dsn(name)) as conn, conn.cursor() as cur:
            cur.execute("SELECT current_database()")
            assert cur.fetchone() == (name,)
        conn.close()
    finally:
        postgis_cluster.drop_database(name)
    with pytest.raises(psycopg2.OperationalError, match=f'"{name}" does not exist'):
        psycopg2.connect(postgis_cluster.dsn(name))
    postgis_cluster.drop_database(name)  # already gone: no error
