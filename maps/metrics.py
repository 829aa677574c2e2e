"""``GET /metrics``: the process's metrics in Prometheus text format, for allowed networks only.

Metrics name terminals, queues and upstreams: operators' data, not the public's. The check is
the resource's own, so it holds on the extra intake processes' metrics-only sites too, which
have no sign-in gate in front.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence

from twisted.web.resource import Resource
from twisted.web.server import Request

CONTENT_TYPE = b"text/plain; version=0.0.4; charset=utf-8"
LOOPBACK = ("127.0.0.0/8", "::1/128")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def address_in(host: str | None, networks: Sequence[Network]) -> bool:
    """Whether ``host`` (an IP address as text; IPv4-mapped IPv6 counts as IPv4) is in one of
    ``networks``; anything that is not an IP address is not."""
    try:
        address = ipaddress.ip_address((host or "").split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


class MetricsResource(Resource):
    """Serves whatever ``render`` returns, freshly on every scrape, never cached."""

    isLeaf = True

    def __init__(self, render: Callable[[], str], allow: Sequence[str] = LOOPBACK) -> None:
        super().__init__()
        self._render = render
        self._networks = tuple(ipaddress.ip_network(n, strict=False) for n in allow)

    def render_GET(self, request: Request) -> bytes:  # noqa: N802 (Twisted's name)
        request.setHeader(b"cache-control", b"no-store")
        if not address_in(getattr(request.getClientAddress(), "host", None), self._networks):
            request.setResponseCode(403)
            request.setHeader(b"content-type", b"text/plain; charset=utf-8")
            return "Метрики не отдаются этому адресу (metrics.allow)\n".encode()
        request.setHeader(b"content-type", CONTENT_TYPE)
        return self._render().encode("utf-8")
