"""The checks a loaded configuration passes before anything starts: ranges, ports, networks,
the retranslator's upstreams and the public map's bands, each refusal naming its key."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from db.vehicles import KINDS
from egts_server.listener_settings import TRACKERS, bad_networks, proxy_problem

if TYPE_CHECKING:
    from egts_server.config import Settings
    from egts_server.retranslator.settings import RetranslatorSettings
    from maps.settings import PublicSettings


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key."""


def _validate_retranslator(r: RetranslatorSettings, stale_after_s: float) -> None:
    names: set[str] = set()
    for i, u in enumerate(r.upstreams):
        key = f"retranslator.upstreams[{i}]"
        if not u.name or u.name in names:
            raise ConfigError(f"{key}.name: every upstream needs a name of its own")
        names.add(u.name)
        if not u.host:
            raise ConfigError(f"{key}.host: required")
        if not 0 < u.port <= 65535:
            raise ConfigError(f"{key}.port: {u.port} is not a TCP port")
        if not 0 <= u.dispatcher_id <= 0xFFFF_FFFF:
            raise ConfigError(f"{key}.dispatcher_id: must fit in 32 bits")
        if not u.vehicles and not u.kinds:
            raise ConfigError(f"{key}: selects no vehicle (set vehicles and/or kinds)")
        unknown = sorted(set(u.kinds) - set(KINDS))
        if unknown:
            raise ConfigError(f"{key}.kinds: {unknown[0]!r} is not one of {', '.join(KINDS)}")
        if len(u.description.encode("cp1251", "replace")) > 255:
            raise ConfigError(f"{key}.description_env: DSCR longer than 255 bytes")
        for vehicle, oid in u.oids.items():
            if not vehicle.isdigit():
                raise ConfigError(f"{key}.oids.{vehicle}: keys are vehicle ids")
            if not 0 <= oid <= 0xFFFF_FFFF:
                raise ConfigError(f"{key}.oids.{vehicle}: must fit in 32 bits")
    for name, positive in (("response_timeout_s", r.response_timeout_s),
                           ("reconnect_s", r.reconnect_s),
                           ("poll_interval_s", r.poll_interval_s),
                           ("records_per_packet", r.records_per_packet)):
        if positive <= 0:
            raise ConfigError(f"retranslator.{name}: must be positive")
    if r.resend_attempts < 0:
        raise ConfigError("retranslator.resend_attempts: must be 0 or more")
    if r.reconnect_max_s < r.reconnect_s:
        raise ConfigError("retranslator.reconnect_max_s: must be at least reconnect_s")
    if r.records_per_packet > 500:
        raise ConfigError("retranslator.records_per_packet: at most 500 (packets stay < 64 KiB)")
    if stale_after_s <= 0:
        raise ConfigError("gtfs_rt.stale_after_s: must be positive")


def _validate_public(p: PublicSettings) -> None:
    bands = p.band_hours
    if not 1 <= len(bands) <= 5:
        raise ConfigError("public.band_hours: give 1 to 5 bounds")
    if any(b <= 0 for b in bands) or list(bands) != sorted(set(bands)):
        raise ConfigError("public.band_hours: bounds must be positive and increasing")
    if p.service_window_h <= bands[-1]:
        raise ConfigError("public.service_window_h: must be longer than the last band bound")
    if p.refresh_s <= 0:
        raise ConfigError("public.refresh_s: must be positive")
    if p.vehicle_delay_s < 0:
        raise ConfigError("public.vehicle_delay_s: must be 0 or more")
    if not 0 <= p.coordinate_decimals <= 6:
        raise ConfigError("public.coordinate_decimals: must be 0 to 6")


def validate(s: Settings) -> None:
    """Refuse values that load but cannot work, naming the key."""
    for key, port in (("egts.port", s.egts.port), ("ndtp.port", s.ndtp.port),
                      *((f"{name}.port", getattr(s, name).port) for name in TRACKERS),
                      ("http.port", s.http.port),
                      ("database.embedded.port", s.database.embedded.port)):
        if not 0 <= port <= 65535:
            raise ConfigError(f"{key}: {port} is not a TCP port")
    i = s.intake
    for key, positive in (("writer.batch_size", s.writer.batch_size),
                          ("writer.max_queue", s.writer.max_queue),
                          ("writer.retry_delay_s", s.writer.retry_delay_s),
                          ("writer.connections", s.writer.connections),
                          ("intake.processes", i.processes),
                          ("egts.backlog", s.egts.backlog),
                          ("ndtp.backlog", s.ndtp.backlog),
                          *((f"{name}.backlog", getattr(s, name).backlog)
                            for name in TRACKERS if name != "osmand"),
                          ("intake.idle_timeout_s", i.idle_timeout_s),
                          ("intake.login_timeout_s", i.login_timeout_s),
                          ("intake.stall_timeout_s", i.stall_timeout_s),
                          ("intake.max_connections", i.max_connections),
                          ("intake.max_connections_per_address", i.max_connections_per_address),
                          ("intake.max_buffered_bytes", i.max_buffered_bytes),
                          ("intake.max_pending_fixes", i.max_pending_fixes),
                          ("intake.max_bad_packets", i.max_bad_packets),
                          ("intake.shutdown_timeout_s", i.shutdown_timeout_s),
                          ("map.poll_interval_s", s.map.poll_interval_s),
                          ("commands.poll_interval_s", s.commands.poll_interval_s),
                          ("commands.resend_after_s", s.commands.resend_after_s),
                          ("commands.max_attempts", s.commands.max_attempts),
                          ("commands.default_ttl_s", s.commands.default_ttl_s),
                          ("archive.keep_days", s.archive.keep_days),
                          ("alerts.interval_s", s.alerts.interval_s),
                          *((f"alerts.detect.{name}", value) for name, value
                            in dataclasses.asdict(s.alerts.detect).items()),
                          ("auth.hash_threads", s.auth.hash_threads),
                          ("auth.throttle_failures", s.auth.throttle_failures),
                          ("auth.throttle_failures_per_address",
                           s.auth.throttle_failures_per_address)):
        if positive <= 0:
            raise ConfigError(f"{key}: must be positive")
    if i.gc_interval_s < 0:
        raise ConfigError("intake.gc_interval_s: must be 0 or more")
    if i.gc_full_interval_s < i.gc_interval_s:
        raise ConfigError("intake.gc_full_interval_s: must be at least intake.gc_interval_s")
    if s.writer.linger_s < 0:
        raise ConfigError("writer.linger_s: must be 0 or more")
    if not 0 <= s.commands.source_id <= 0xFFFF_FFFF:
        raise ConfigError("commands.source_id: must fit in 32 bits")
    if s.database.partition_months_ahead < 0:
        raise ConfigError("database.partition_months_ahead: must be 0 or more")
    if s.database.read_max_lag_s <= 0:
        raise ConfigError("database.read_max_lag_s: must be positive")
    problem = bad_networks("metrics.allow", s.metrics.allow) or proxy_problem(s)
    if problem:
        raise ConfigError(problem)
    _validate_retranslator(s.retranslator, s.gtfs_rt.stale_after_s)
    _validate_public(s.public)
    try:
        ZoneInfo(s.site.time_zone)
    except (ValueError, ZoneInfoNotFoundError) as e:
        raise ConfigError(f"site.time_zone: {s.site.time_zone!r} is not a known time zone") from e
