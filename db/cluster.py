"""The embedded default: a project-local PostgreSQL + PostGIS cluster under ``var/``.

PostgreSQL refuses to run as root, so when we are root the cluster's files belong to an
unprivileged system account (``postgres`` from Debian's package, else one we create) and every
server binary runs as that account. Clients connect over a unix socket in the data directory's
sibling ``run/`` folder, or over TCP on the configured port.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from db.errors import StorageError

_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes; ".s.PGSQL.NNNNN" must fit too


def find_bindir() -> Path:
    """The newest installed PostgreSQL's binary directory (Debian layout first, then PATH)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise StorageError("PostgreSQL is not installed (no initdb found); "
                       "`make run` installs it")


def _service_account() -> pwd.struct_passwd | None:
    """Who runs the server binaries: ourselves, unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "glonass"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    "glonass"], check=True)
    return pwd.getpwnam("glonass")


def _can_traverse(path: Path, account: pwd.struct_passwd) -> bool:
    """Whether ``account`` can reach ``path``: every existing ancestor must be searchable."""
    for folder in [path, *path.parents]:
        if not folder.exists():
            continue
        st = folder.stat()
        if st.st_uid == account.pw_uid:
            bit = stat.S_IXUSR
        elif st.st_gid == account.pw_gid:
            bit = stat.S_IXGRP
        else:
            bit = stat.S_IXOTH
        if not st.st_mode & bit:
            return False
    return True


@dataclass(frozen=True, slots=True)
class LocalCluster:
    """One cluster: where its files live, its port and the database and role we use in it.

    When we run as root from a folder the unprivileged account cannot reach (a checkout under
    /root, say), the cluster lives in a folder of the system's temporary directory named after
    the configured path instead, so it still belongs to this checkout and nothing else.
    """

    configured_dir: Path
    port: int
    database: str = "glonass"
    user: str = "glonass"

    @property
    def data_dir(self) -> Path:
        account = _service_account()
        if account is None or _can_traverse(self.configured_dir.parent, account):
            return self.configured_dir
        digest = hashlib.sha1(str(self.configured_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"glonass-pg-{digest}" / "data"

    @property
    def socket_dir(self) -> Path:
        preferred = self.data_dir.parent / "run"
        if len(str(preferred)) + 20 <= _MAX_SOCKET_PATH:
            return preferred
        digest = hashlib.sha1(str(self.data_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"glonass-pg-{digest}"

    @property
    def log_file(self) -> Path:
        return self.data_dir.parent / "postgresql.log"

    def dsn(self, database: str | None = None) -> str:
        return (f"host={self.socket_dir} port={self.port} dbname={database or self.database} "
                f"user={self.user}")

    def url(self) -> str:
        return f"postgresql://{self.user}@localhost:{self.port}/{self.database}?host={self.socket_dir}"

    # -- lifecycle ---------------------------------------------------------------------------

    def is_initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def is_running(self) -> bool:
        result = self._run(["pg_ctl", "status", "-D", str(self.data_dir)], check=False)
        return result.returncode == 0

    def init(self) -> None:
        """initdb with trust auth for the local socket and loopback only (a developer cluster)."""
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self._own(self.data_dir.parent)
        self._run(["initdb", "-D", str(self.data_dir), "-U", self.user, "--auth=trust",
                   "--encoding=UTF8", "--locale=C.UTF-8"])
        conf = self.data_dir / "postgresql.conf"
        with conf.open("a") as f:
            f.write("\n# glonass-dispatch embedded cluster\n"
                    "listen_addresses = 'localhost'\n"
                    "max_connections = 200\n"
                    "shared_buffers = 256MB\n"
                    "synchronous_commit = on\n"
                    "fsync = on\n")

    def start(self, timeout_s: float = 60.0) -> None:
        """Start (initialising first if needed) and wait until it accepts connections."""
        if not self.is_initialised():
            self.init()
        if not self.is_running():
            self.socket_dir.mkdir(parents=True, exist_ok=True)
            self._own(self.socket_dir)
            self._run(["pg_ctl", "start", "-w", "-t", str(int(timeout_s)), "-D", str(self.data_dir),
                       "-l", str(self.log_file),
                       "-o", f"-p {self.port} -k {self.socket_dir}"])
        self._wait_ready(timeout_s)
        self._ensure_database()

    def stop(self) -> None:
        if self.is_initialised() and self.is_running():
            self._run(["pg_ctl", "stop", "-m", "fast", "-w", "-D", str(self.data_dir)])

    def status(self) -> str:
        if not self.is_initialised():
            return f"not initialised ({self.data_dir})"
        state = "running" if self.is_running() else "stopped"
        return f"{state}: {self.data_dir}, port {self.port}, socket {self.socket_dir}"

    def drop_database(self, name: str) -> None:
        self._psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def create_database(self, name: str) -> None:
        self._psql("postgres", f'CREATE DATABASE "{name}"')

    # -- helpers -----------------------------------------------------------------------------

    def _ensure_database(self) -> None:
        found = self._psql("postgres",
                           f"SELECT 1 FROM pg_database WHERE datname = '{self.database}'")
        if found.strip() != "1":
            self.create_database(self.database)

    def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            ready = self._run(["pg_isready", "-h", str(self.socket_dir), "-p", str(self.port)],
                              check=False)
            if ready.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise StorageError(f"the cluster in {self.data_dir} did not become ready; "
                                   f"see {self.log_file}")
            time.sleep(0.2)

    def _psql(self, database: str, sql: str) -> str:
        out = self._run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1",
                         "-h", str(self.socket_dir), "-p", str(self.port), "-U", self.user,
                         "-d", database, "-c", sql])
        return out.stdout

    def _own(self, path: Path) -> None:
        account = _service_account()
        if account is not None:
            os.chown(path, account.pw_uid, account.pw_gid)

    def _run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        argv = [str(find_bindir() / argv[0]), *argv[1:]]
        account = _service_account()
        demote: Callable[[], None] | None = None
        if account is not None:
            uid, gid = account.pw_uid, account.pw_gid

            def demote() -> None:
                os.setgid(gid)
                os.setuid(uid)

        result = subprocess.run(argv, capture_output=True, text=True, preexec_fn=demote,
                                cwd="/", check=False)
        if check and result.returncode != 0:
            raise StorageError(f"{Path(argv[0]).name} failed: {result.stderr.strip()}")
        return result
