"""The checks a loaded configuration passes: each value that loads but cannot work is refused
with one message naming its key, and the values at the edge of each range pass."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from db.vehicles import KINDS
from egts_server.config import ConfigError, Settings, load_settings
from egts_server.config_checks import validate
from egts_server.retranslator.settings import UpstreamSettings

UPSTREAM = UpstreamSettings(name="rnis", host="rnis.example.org", kinds=("bus",))


def changed(section: str, **values: Any) -> Settings:
    """The defaults with some values of one section changed (``retranslator``: and one
    upstream, ``UPSTREAM`` with ``upstream``'s values)."""
    defaults = Settings()
    upstream = values.pop("upstream", None)
    if upstream is not None:
        values["upstreams"] = (dataclasses.replace(UPSTREAM, **upstream),)
    return dataclasses.replace(
        defaults, **{section: dataclasses.replace(getattr(defaults, section), **values)})


def refusal(settings: Settings) -> str:
    with pytest.raises(ConfigError) as refused:
        validate(settings)
    return str(refused.value)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../etc/passwd", ""])
def test_time_zone_must_be_a_known_zone(tmp_path: Path, zone: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f'[site]\ntime_zone = "{zone}"\n')
    with pytest.raises(ConfigError, match=rf"site\.time_zone: '{zone}' is not a known time zone"):
        load_settings(path, {})


@pytest.mark.parametrize(("text", "message"), [
    ("band_hours = []", r"public\.band_hours: give 1 to 5 bounds"),
    ("band_hours = [6.0, 3.0]", r"public\.band_hours: bounds must be positive and increasing"),
    ("band_hours = [3.0, 30.0]", r"public\.service_window_h: must be longer"),
    ("refresh_s = 0", r"public\.refresh_s: must be positive"),
])
def test_public_map_bands_are_checked(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f"[public]\n{text}\n")
    with pytest.raises(ConfigError, match=message):
        load_settings(path, {})


def test_tracker_port_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[galileosky]\nport = 70000\n")
    with pytest.raises(ConfigError, match=r"galileosky\.port: 70000 is not a TCP port"):
        load_settings(path, {})


@pytest.mark.parametrize(("settings", "message"), [
    (changed("http", port=65536), "http.port: 65536 is not a TCP port"),
    (changed("egts", port=-1), "egts.port: -1 is not a TCP port"),
    (dataclasses.replace(Settings(), database=dataclasses.replace(
        Settings().database, embedded=dataclasses.replace(Settings().database.embedded,
                                                          port=70000))),
     "database.embedded.port: 70000 is not a TCP port"),
    (changed("writer", batch_size=0), "writer.batch_size: must be positive"),
    (changed("writer", connections=-1), "writer.connections: must be positive"),
    (changed("intake", processes=0), "intake.processes: must be positive"),
    (changed("teltonika", backlog=0), "teltonika.backlog: must be positive"),
    (changed("intake", max_connections_per_address=0),
     "intake.max_connections_per_address: must be positive"),
    (changed("commands", default_ttl_s=0.0), "commands.default_ttl_s: must be positive"),
    (changed("archive", keep_days=0), "archive.keep_days: must be positive"),
    (changed("auth", hash_threads=0), "auth.hash_threads: must be positive"),
    (changed("intake", gc_interval_s=-1.0), "intake.gc_interval_s: must be 0 or more"),
    (changed("intake", gc_interval_s=60.0, gc_full_interval_s=30.0),
     "intake.gc_full_interval_s: must be at least intake.gc_interval_s"),
    (changed("writer", linger_s=-0.001), "writer.linger_s: must be 0 or more"),
    (changed("commands", source_id=2**32), "commands.source_id: must fit in 32 bits"),
    (changed("commands", source_id=-1), "commands.source_id: must fit in 32 bits"),
    (changed("database", partition_months_ahead=-1),
     "database.partition_months_ahead: must be 0 or more"),
    (changed("database", read_max_lag_s=0.0), "database.read_max_lag_s: must be positive"),
    (changed("metrics", allow=("10.0.0.0/8", "office")),
     "metrics.allow[1]: 'office' is not a network"),
])
def test_a_value_out_of_range_is_refused_naming_its_key(settings: Settings,
                                                       message: str) -> None:
    assert refusal(settings) == message


@pytest.mark.parametrize(("settings", "message"), [
    (changed("retranslator", upstream={"name": ""}),
     "retranslator.upstreams[0].name: every upstream needs a name of its own"),
    (changed("retranslator", upstream={"kinds": ("bus", "tram")}),
     f"retranslator.upstreams[0].kinds: 'tram' is not one of {', '.join(KINDS)}"),
    (changed("retranslator", upstream={"description": "Д" * 256}),
     "retranslator.upstreams[0].description_env: DSCR longer than 255 bytes"),
    (changed("retranslator", upstream={"oids": {"12": 2**32}}),
     "retranslator.upstreams[0].oids.12: must fit in 32 bits"),
    (changed("retranslator", upstream={"dispatcher_id": 2**32}),
     "retranslator.upstreams[0].dispatcher_id: must fit in 32 bits"),
    (changed("retranslator", poll_interval_s=0.0),
     "retranslator.poll_interval_s: must be positive"),
    (changed("retranslator", records_per_packet=0),
     "retranslator.records_per_packet: must be positive"),
    (changed("retranslator", records_per_packet=501),
     "retranslator.records_per_packet: at most 500 (packets stay < 64 KiB)"),
    (changed("retranslator", resend_attempts=-1),
     "retranslator.resend_attempts: must be 0 or more"),
    (changed("public", band_hours=(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), service_window_h=24.0),
     "public.band_hours: give 1 to 5 bounds"),
    (changed("public", band_hours=(0.0, 3.0)),
     "public.band_hours: bounds must be positive and increasing"),
    (changed("public", band_hours=(3.0, 3.0)),
     "public.band_hours: bounds must be positive and increasing"),
    (changed("public", vehicle_delay_s=-1.0), "public.vehicle_delay_s: must be 0 or more"),
    (changed("public", coordinate_decimals=7), "public.coordinate_decimals: must be 0 to 6"),
    (changed("public", coordinate_decimals=-1), "public.coordinate_decimals: must be 0 to 6"),
])
def test_retranslator_and_public_map_values_are_refused_naming_their_key(
        settings: Settings, message: str) -> None:
    assert refusal(settings) == message


@pytest.mark.parametrize("settings", [
    Settings(),
    changed("egts", port=0),  # 0: the system picks a free port (the tests' servers)
    changed("http", port=65535),
    changed("intake", gc_interval_s=0.0, gc_full_interval_s=0.0),
    changed("writer", linger_s=0.0),
    changed("commands", source_id=0xFFFF_FFFF),
    changed("database", partition_months_ahead=0),
    changed("retranslator", upstream={"description": "Д" * 255, "oids": {"12": 0xFFFF_FFFF},
                                      "dispatcher_id": 0xFFFF_FFFF},
            records_per_packet=500, resend_attempts=0, reconnect_s=10.0, reconnect_max_s=10.0),
    changed("retranslator", upstream={"kinds": (), "vehicles": (7,)}),
    changed("public", band_hours=(1.0, 2.0, 3.0, 4.0, 5.0), service_window_h=5.5,
            vehicle_delay_s=0.0, coordinate_decimals=0),
    changed("public", coordinate_decimals=6),
])
def test_values_at_the_edge_of_their_range_pass(settings: Settings) -> None:
    """Cyrillic DSCR counts one byte a letter, as cp1251 sends it."""
    validate(settings)
