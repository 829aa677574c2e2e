"""The trackers' listener sections: off by default on their documented ports, passwords only
from the environment, PROXY protocol networks checked."""

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


def test_wialon_passwords_come_from_the_named_variables(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[wialon.accounts]\n77 = \"W77\"\n")
    assert load_settings(path, {"W77": "pw"}).wialon.passwords == {"77": "pw"}
    with pytest.raises(ConfigError, match=r"wialon\.accounts\.77: environment variable W77"):
        load_settings(path, {})
    path.write_text("[wialon]\npasswords = {77 = \"pw\"}\n")
    with pytest.raises(ConfigError, match=r"wialon\.passwords: unknown setting"):
        load_settings(path, {})


def test_every_listener_takes_the_proxy_protocol_off_by_default_trusting_loopback() -> None:
    """Telemetry, phones and HTTP alike: off unless asked, and then from loopback only."""
    s = Settings()
    assert {(getattr(s, name).proxy_protocol, getattr(s, name).proxy_protocol_from) for name in (
        "egts", "ndtp", "wialon", "wialonretr", "teltonika", "galileosky", "navtelecom",
        "osmand", "http")} == {(False, ("127.0.0.0/8", "::1/128"))}


def test_proxy_protocol_networks_are_checked(tmp_path: Path) -> None:
    """A network that is not one is named by its key; the header needs somebody to trust."""
    path = tmp_path / "c.toml"
    path.write_text("[teltonika]\nproxy_protocol_from = [\"10.0.0.0/8\", \"balancer\"]\n")
    with pytest.raises(ConfigError, match=r"teltonika\.proxy_protocol_from\[1\]: 'balancer' is "
                                          r"not a network"):
        load_settings(path, {})
    path.write_text("[http]\nproxy_protocol = true\nproxy_protocol_from = []\n")
    with pytest.raises(ConfigError, match=r"http\.proxy_protocol_from: name the load balancers'"):
        load_settings(path, {})
    path.write_text("[egts]\nproxy_protocol = true\nproxy_protocol_from = [\"10.1.2.0/24\"]\n")
    assert load_settings(path, {}).egts.proxy_protocol_from == ("10.1.2.0/24",)
