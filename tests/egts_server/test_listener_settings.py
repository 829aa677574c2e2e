"""The trackers' listener sections: off by default on their documented ports, ports checked,
passwords only from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from egts_server.config import ConfigError, Settings, load_settings


def test_trackers_are_off_by_default_on_their_ports() -> None:
    s = Settings()
    assert [(name, getattr(s, name).enabled, getattr(s, name).port) for name in (
        "wialon", "wialonretr", "teltonika", "galileosky", "navtelecom", "osmand")] == [
        ("wialon", False, 20332), ("wialonretr", False, 20333), ("teltonika", False, 5027),
        ("galileosky", False, 20334), ("navtelecom", False, 20335), ("osmand", False, 5055)]


def test_tracker_port_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[galileosky]\nport = 70000\n")
    with pytest.raises(ConfigError, match=r"galileosky\.port: 70000 is not a TCP port"):
        load_settings(path, {})


def test_wialon_passwords_come_from_the_named_variables(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[wialon.accounts]\n77 = \"W77\"\n")
    assert load_settings(path, {"W77": "pw"}).wialon.passwords == {"77": "pw"}
    with pytest.raises(ConfigError, match=r"wialon\.accounts\.77: environment variable W77"):
        load_settings(path, {})
    path.write_text("[wialon]\npasswords = {77 = \"pw\"}\n")
    with pytest.raises(ConfigError, match=r"wialon\.passwords: unknown setting"):
        load_settings(path, {})
