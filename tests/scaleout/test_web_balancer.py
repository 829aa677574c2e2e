"""The pages and the API behind HAProxy with deploy/haproxy.cfg's web settings: the health
check (a PROXY v2 LOCAL header, then ``GET /healthz``) keeps a node whose HTTP listener takes
the PROXY header in service, and requests through the balancer are answered."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import start_server, stop_server
from tests.egts_server.net.test_proxy_protocol import TRUSTING_LOOPBACK, healthy_behind_proxy
from tests.reliability.harness import wait_until
from tests.scaleout.balancer import HAPROXY, Balancer

pytestmark = [
    pytest.mark.postgis, pytest.mark.scaleout,
    pytest.mark.skipif(HAPROXY is None, reason="haproxy is not installed (make haproxy "
                                               "installs Debian's package)"),
]


def test_api_answers_through_the_web_frontend(dsn: str, tmp_path: Path) -> None:
    """The balancer's checks reach /healthz through the header, and /api/vehicles answers
    through the balancer with the client's address in the node's access log."""
    access_log = tmp_path / "access.log"
    node = start_server(dsn, tmp_path, ready=healthy_behind_proxy,
                        listener_keys={"http": TRUSTING_LOOPBACK
                                       + f"access_log = {json.dumps(str(access_log))}\n"})
    balancer = Balancer([node], tmp_path, web=True)
    try:
        def requests(line_part: str) -> int:
            lines = access_log.read_text().splitlines() if access_log.exists() else []
            return sum(1 for line in lines if line.startswith('"127.0.0.1" - - ')
                       and line_part in line)

        wait_until(lambda: requests('"GET /healthz HTTP/1.0" 200') >= 2, 20,
                   "two passed health checks from the balancer")
        url = f"http://127.0.0.1:{balancer.web_port}/api/vehicles"
        with urllib.request.urlopen(url, timeout=10) as response:
            body = json.load(response)
        assert (response.status, body["type"], body["features"]) == (200, "FeatureCollection", [])
        wait_until(lambda: requests('"GET /api/vehicles HTTP/1.1" 200') == 1, 10,
                   "the request logged with the client's address")
    finally:
        balancer.stop()
        stop_server(node)
