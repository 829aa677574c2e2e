"""deploy/: HAProxy accepts its configuration, the balancer's ports are the nodes' listener
ports, and each node's configuration loads with every listener it proxies trusting the
balancer."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from egts_server.config import Settings, load_settings
from egts_server.listener_settings import PROXIED

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
HAPROXY = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin")
SECRETS = {"DATABASE_URL": "postgresql://glonass@10.0.2.11/glonass", "RNIS_DSCR": "login"}


def frontends() -> dict[str, int]:
    """Each frontend's name and the port it binds."""
    text = (DEPLOY / "haproxy.cfg").read_text()
    return {name: int(port) for name, port in re.findall(
        r"^frontend (\w+) from \w+\n\s+bind :(\d+)$", text, re.MULTILINE)}


@pytest.mark.skipif(HAPROXY is None, reason="haproxy is not installed (make haproxy installs "
                                           "Debian's package)")
def test_haproxy_accepts_the_configuration() -> None:
    """``haproxy -c`` is what an operator runs before a reload."""
    assert HAPROXY is not None
    checked = subprocess.run([HAPROXY, "-c", "-f", str(DEPLOY / "haproxy.cfg")],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Configuration file is valid" in checked.stdout


def test_every_listener_has_a_frontend_on_its_default_port() -> None:
    """The terminals dial the balancer on the ports the nodes listen on; HTTP is port 80."""
    defaults = Settings()
    expected = {name: getattr(defaults, name).port for name in PROXIED if name != "http"}
    assert frontends() == {**expected, "web": 80}


@pytest.mark.parametrize(("role", "proxied"), [
    ("intake", {"egts", "ndtp", "wialon", "wialonretr", "galileosky", "navtelecom", "teltonika",
                "osmand"}),
    ("web", {"http"}),
    ("retranslator", set()),
])
def test_node_configurations_load_and_trust_only_the_balancer(role: str,
                                                              proxied: set[str]) -> None:
    """Each role's listeners that face the balancer take its header from its address only."""
    settings = load_settings(DEPLOY / f"{role}.toml", SECRETS)
    behind = {name for name in PROXIED if getattr(settings, name).proxy_protocol}
    assert behind == proxied
    assert all(getattr(getattr(settings, name), "enabled", True) for name in behind)
    assert {getattr(settings, name).proxy_protocol_from for name in behind} <= {("10.0.1.5/32",)}
    assert settings.demo.seed_when_empty is False
