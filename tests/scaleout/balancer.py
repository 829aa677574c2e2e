"""HAProxy on loopback in front of served nodes, with deploy/haproxy.cfg's settings.

The ``defaults telemetry`` and ``defaults web`` sections are taken from the deployed file word
for word (leastconn, timeouts, health checks, redispatch, send-proxy-v2); only the frontends
and the servers, whose ports are free ones, are written here.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from tests.conftest import REPO, Served, free_port

HAPROXY = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin")


def deployed_defaults(name: str) -> str:
    """The ``defaults <name>`` section of deploy/haproxy.cfg."""
    text = (REPO / "deploy" / "haproxy.cfg").read_text()
    found = re.search(rf"^defaults {name}\n(?:[ \t]+.*\n|[ \t]*#.*\n)+", text, re.MULTILINE)
    assert found is not None, f"deploy/haproxy.cfg has no defaults {name} section"
    return found.group(0)


def listening(port: int) -> bool:
    """Whether something listens on loopback ``port`` (without connecting, which HAProxy would
    pass on to a node)."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
        return False


class Balancer:
    """A foreground HAProxy: EGTS on ``port``, spread over ``nodes`` (checked on their HTTP
    ports, as the deployed file checks port 8080); with ``web``, also their HTTP listeners
    (which must take the PROXY header) on ``web_port``, checked with ``GET /healthz``."""

    def __init__(self, nodes: Sequence[Served], home: Path, *, web: bool = False) -> None:
        assert HAPROXY is not None
        self.port, self.web_port = free_port(), free_port()
        servers = "".join(f"    server node{i} 127.0.0.1:{node.egts_port} port {node.http_port}\n"
                          for i, node in enumerate(nodes, 1))
        sections = [deployed_defaults("telemetry"),
                    f"frontend egts from telemetry\n    bind 127.0.0.1:{self.port}\n"
                    "    default_backend egts\n", "backend egts from telemetry\n" + servers]
        if web:
            sections += [deployed_defaults("web"),
                         f"frontend web from web\n    bind 127.0.0.1:{self.web_port}\n"
                         "    default_backend web\n",
                         "backend web from web\n    option httpchk GET /healthz\n" + "".join(
                             f"    server web{i} 127.0.0.1:{node.http_port}\n"
                             for i, node in enumerate(nodes, 1))]
        config = home / "haproxy.cfg"
        config.write_text("global\n    maxconn 4000\n\n" + "\n".join(sections))
        self.log_path = home / "haproxy.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not (listening(self.port) and (listening(self.web_port) or not web)):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("haproxy did not start:\n" + self.log_path.read_text())
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
