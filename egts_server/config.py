"""Settings: one TOML file loaded once into frozen dataclasses, validated, then passed down.

Every key has a default (documented in ``config.example.toml``); an unknown key or a wrong type
is a ``ConfigError`` that names the key. ``DATABASE_URL`` in the environment overrides the
embedded cluster; secrets come only from the environment. Part of the application root: the
settings types of the listeners' command relay, of the retranslator and of the web side
(``maps.settings``) are defined beside their code and composed here, so nothing below the root
imports this module.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin

from egts_server.alert_watch import AlertSettings
from egts_server.config_checks import ConfigError as ConfigError
from egts_server.config_checks import validate
from egts_server.listener_settings import (
    TRACKERS,
    GalileoskySettings,
    NavtelecomSettings,
    NdtpSettings,
    OsmandSettings,
    ProxyProtocolSettings,
    TeltonikaSettings,
    WialonRetranslatorSettings,
    WialonSettings,
)
from egts_server.listener_settings import ListenerSettings as ListenerSettings
from egts_server.net.commands import CommandSettings
from egts_server.retranslator.settings import RetranslatorSettings
from maps.settings import (
    AuthSettings,
    GtfsRtSettings,
    MapSettings,
    MetricsSettings,
    PublicSettings,
    SiteSettings,
)

UnknownTerminalPolicy = Literal["register", "quarantine", "reject"]


@dataclass(frozen=True, slots=True)
class IntakeSettings:
    unknown_terminals: UnknownTerminalPolicy = "register"
    idle_timeout_s: float = 300.0
    login_timeout_s: float = 30.0  # first valid packet within this, or the connection closes
    stall_timeout_s: float = 30.0  # a packet left half-sent, or replies left unread, this long
    max_connections: int = 15000  # all telemetry listeners together (lowered to fit the fd limit)
    max_connections_per_address: int = 1000
    max_buffered_bytes: int = 65553  # bytes waiting for the end of one packet
    max_pending_fixes: int = 200  # per connection: fixes waiting for their commit
    max_bad_packets: int = 10  # malformed packets in a row before the connection is closed
    shutdown_timeout_s: float = 10.0  # SIGTERM: wait this long for commits and acknowledgements
    gc_interval_s: float = 1.0  # collect and freeze new objects (0: Python's automatic collector)
    gc_full_interval_s: float = 3600.0  # unfreeze and collect everything (one longer pause)
    processes: int = 1  # processes sharing the telemetry ports (SO_REUSEPORT), one core each


@dataclass(frozen=True, slots=True)
class NisSettings:
    """NIS SOAP ``PutCoord`` intake at ``POST /nis`` on the HTTP port.

    ``accounts`` maps each sender's login to the *name* of the environment variable holding
    its password; ``load_settings`` reads those variables into ``passwords`` (never from the
    file, never shown in ``repr``).
    """

    enabled: bool = True
    accounts: Mapping[str, str] = field(default_factory=dict)
    passwords: Mapping[str, str] = field(default_factory=dict, repr=False,
                                         metadata={"environment": True})


@dataclass(frozen=True, slots=True)
class HttpSettings(ProxyProtocolSettings):
    host: str = "0.0.0.0"
    port: int = 8080
    access_log: str = ""  # a file for one line per request; empty: no access log


@dataclass(frozen=True, slots=True)
class EmbeddedDatabaseSettings:
    data_dir: str = "var/pg"
    port: int = 55432
    database: str = "glonass"
    user: str = "glonass"


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    url: str = ""  # empty: use the embedded cluster; DATABASE_URL in the environment wins
    embedded: EmbeddedDatabaseSettings = field(default_factory=EmbeddedDatabaseSettings)
    pool_max: int = 5
    # a streaming standby for the pages, the API, coverage and exports ("": none); reads go to
    # the primary while it cannot be reached or lags more than read_max_lag_s behind
    read_url: str = ""
    read_max_lag_s: float = 30.0
    partition_months_ahead: int = 2  # monthly partitions kept ready beyond the current one


@dataclass(frozen=True, slots=True)
class WriterSettings:
    batch_size: int = 5000
    max_queue: int = 50000
    retry_delay_s: float = 1.0
    connections: int = 2  # transactions in flight at once
    linger_s: float = 0.005  # least time between two transaction starts (bigger batches)


@dataclass(frozen=True, slots=True)
class DemoSettings:
    seed_when_empty: bool = True


@dataclass(frozen=True, slots=True)
class ArchiveSettings:
    """Raw telemetry traffic (EGTS, NDTP), both directions, in daily files for diagnosis."""

    enabled: bool = False
    directory: str = "var/archive"  # relative to project_dir
    keep_days: int = 14  # older daily files are deleted


@dataclass(frozen=True, slots=True)
class Settings:
    intake: IntakeSettings = field(default_factory=IntakeSettings)
    egts: ListenerSettings = field(default_factory=ListenerSettings)
    ndtp: NdtpSettings = field(default_factory=NdtpSettings)
    wialon: WialonSettings = field(default_factory=WialonSettings)
    osmand: OsmandSettings = field(default_factory=OsmandSettings)
    teltonika: TeltonikaSettings = field(default_factory=TeltonikaSettings)
    wialonretr: WialonRetranslatorSettings = field(default_factory=WialonRetranslatorSettings)
    galileosky: GalileoskySettings = field(default_factory=GalileoskySettings)
    navtelecom: NavtelecomSettings = field(default_factory=NavtelecomSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    nis: NisSettings = field(default_factory=NisSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    writer: WriterSettings = field(default_factory=WriterSettings)
    map: MapSettings = field(default_factory=MapSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    public: PublicSettings = field(default_factory=PublicSettings)
    demo: DemoSettings = field(default_factory=DemoSettings)
    retranslator: RetranslatorSettings = field(default_factory=RetranslatorSettings)
    gtfs_rt: GtfsRtSettings = field(default_factory=GtfsRtSettings)
    commands: CommandSettings = field(default_factory=CommandSettings)
    archive: ArchiveSettings = field(default_factory=ArchiveSettings)
    site: SiteSettings = field(default_factory=SiteSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    project_dir: str = "."  # relative paths (the embedded cluster's data_dir) resolve against it

    def resolve(self, path: str) -> Path:
        """A configured path made absolute against the project directory."""
        p = Path(path)
        return p if p.is_absolute() else Path(self.project_dir).resolve() / p


T = TypeVar("T")


def _build(cls: type[T], raw: Mapping[str, Any], prefix: str) -> T:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{prefix.rstrip('.') or 'config'}: expected a table")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)  # type: ignore[arg-type]
             if not f.metadata.get("environment")}
    unknown = sorted(set(raw) - names)
    if unknown:
        raise ConfigError(f"{prefix}{unknown[0]}: unknown setting")
    values: dict[str, Any] = {}
    for name, value in raw.items():
        values[name] = _coerce(hints[name], value, f"{prefix}{name}")
    return cls(**values)


def _coerce(hint: Any, value: Any, key: str) -> Any:
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, key + ".")  # type: ignore[arg-type]
    origin = get_origin(hint)
    if origin is Literal:
        allowed = get_args(hint)
        if value not in allowed:
            raise ConfigError(f"{key}: {value!r} is not one of {', '.join(map(repr, allowed))}")
        return value
    if origin is Mapping:  # a table of strings (nis.accounts) or ints (oids)
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key}: expected a table")
        item_hint = get_args(hint)[1]
        return {name: _coerce(item_hint, item, f"{key}.{name}") for name, item in value.items()}
    if origin is tuple:  # an array: of values, or of tables ([[retranslator.upstreams]])
        if not isinstance(value, list):
            raise ConfigError(f"{key}: expected an array")
        item_hint = get_args(hint)[0]
        return tuple(_coerce(item_hint, item, f"{key}[{i}]") for i, item in enumerate(value))
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(hint, type) and isinstance(value, hint) and not (
        hint is int and isinstance(value, bool)
    ):
        return value
    if isinstance(hint, types.UnionType):
        raise ConfigError(f"{key}: unsupported type")
    raise ConfigError(f"{key}: expected {getattr(hint, '__name__', hint)}, got {value!r}")


def tracker_ports(settings: Settings, *, enabled_only: bool = False) -> dict[str, int]:
    """Each tracker listener's port by protocol (the switched-on ones, ``enabled_only``)."""
    return {name: getattr(settings, name).port for name in TRACKERS
            if getattr(settings, name).enabled or not enabled_only}


def with_trackers_on(settings: Settings) -> Settings:
    """``settings`` with every tracker listener switched on (the demo's mixed fleet)."""
    return dataclasses.replace(settings, **{
        name: dataclasses.replace(getattr(settings, name), enabled=True) for name in TRACKERS})


def load_settings(
    path: str | Path | None, environ: Mapping[str, str], project_dir: str | Path = "."
) -> Settings:
    """Read the TOML file (or nothing: all defaults) and apply the environment overrides."""
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            with open(path, "rb") as f:
                raw = tomllib.load(f)
        except OSError as e:
            raise ConfigError(f"cannot read configuration {path}: {e.strerror}") from e
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{path}: {e}") from e
    raw.setdefault("project_dir", str(project_dir))
    settings = _build(Settings, raw, "")
    url = environ.get("DATABASE_URL")
    if url:
        settings = dataclasses.replace(
            settings, database=dataclasses.replace(settings.database, url=url)
        )
    settings = _with_nis_passwords(settings, environ)
    settings = dataclasses.replace(settings, wialon=dataclasses.replace(
        settings.wialon, passwords=_passwords(settings.wialon.accounts, "wialon", environ)))
    settings = _with_upstream_descriptions(settings, environ)
    validate(settings)
    return settings


def _with_nis_passwords(settings: Settings, environ: Mapping[str, str]) -> Settings:
    """Read each NIS sender's password from the variable its account names."""
    nis = settings.nis
    if not nis.enabled or not nis.accounts:
        return settings
    return dataclasses.replace(settings, nis=dataclasses.replace(
        nis, passwords=_passwords(nis.accounts, "nis", environ)))


def _passwords(accounts: Mapping[str, str], section: str,
               environ: Mapping[str, str]) -> dict[str, str]:
    """Each account's password, read from the environment variable the account names."""
    for login, variable in accounts.items():
        if not environ.get(variable):
            raise ConfigError(f"{section}.accounts.{login}: environment variable {variable} "
                              "(the password) is not set")
    return {login: environ[variable] for login, variable in accounts.items()}


def _with_upstream_descriptions(settings: Settings, environ: Mapping[str, str]) -> Settings:
    """Read each upstream's DSCR from the variable its ``description_env`` names."""
    upstreams = []
    for i, u in enumerate(settings.retranslator.upstreams):
        if u.description_env:
            value = environ.get(u.description_env)
            if value is None:
                raise ConfigError(f"retranslator.upstreams[{i}].description_env: environment "
                                  f"variable {u.description_env} is not set")
            u = dataclasses.replace(u, description=value)
        upstreams.append(u)
    return dataclasses.replace(settings, retranslator=dataclasses.replace(
        settings.retranslator, upstreams=tuple(upstreams)))
