"""``/metrics``: served fresh to the allowed networks only, refused to every other address."""

from __future__ import annotations

import ipaddress

import pytest
from twisted.internet.address import IPv4Address, IPv6Address, UNIXAddress
from twisted.web.test.requesthelper import DummyRequest

from maps.metrics import CONTENT_TYPE, LOOPBACK, MetricsResource, address_in


def scrape(client: object, allow: tuple[str, ...] = LOOPBACK) -> tuple[DummyRequest, bytes]:
    """A scrape of a secret metric by ``client``: the request (status, headers) and body."""
    request = DummyRequest([b""])
    request.client = client
    return request, MetricsResource(lambda: "secret_metric 1\n", allow).render_GET(request)


@pytest.mark.parametrize(("client", "allow", "served"), [
    (IPv4Address("TCP", "127.0.0.1", 1), ("127.0.0.0/8", "::1/128"), True),
    (IPv6Address("TCP", "::1", 1), ("127.0.0.0/8", "::1/128"), True),
    (IPv6Address("TCP", "::ffff:127.0.0.2", 1), ("127.0.0.0/8",), True),
    (IPv4Address("TCP", "10.1.2.3", 1), ("127.0.0.0/8", "::1/128"), False),
    (IPv4Address("TCP", "10.1.2.3", 1), ("10.1.0.0/16",), True),
    (IPv4Address("TCP", "10.2.2.3", 1), ("10.1.0.0/16",), False),
    (IPv6Address("TCP", "2001:db8::1", 1), ("127.0.0.0/8",), False),
])
def test_metrics_are_served_only_to_allowed_networks(client: object, allow: tuple[str, ...],
                                                     served: bool) -> None:
    """Other addresses get a 403 that names the setting, and no metric at all."""
    request, body = scrape(client, allow)
    assert (b"secret_metric" in body) == served
    assert request.responseCode == (None if served else 403)  # None: the default 200
    if not served:
        assert "metrics.allow" in body.decode()


def test_every_scrape_renders_afresh_and_is_never_cached() -> None:
    count = iter(range(1, 10))
    resource = MetricsResource(lambda: f"scrapes {next(count)}\n")
    bodies = []
    for _ in range(2):
        request = DummyRequest([b""])
        request.client = IPv4Address("TCP", "127.0.0.1", 1)
        bodies.append(resource.render_GET(request))
        assert request.responseHeaders.getRawHeaders(b"cache-control") == [b"no-store"]
        assert request.responseHeaders.getRawHeaders(b"content-type") == [CONTENT_TYPE]
    assert bodies == [b"scrapes 1\n", b"scrapes 2\n"]


def test_a_refusal_is_russian_text_and_not_cached_either() -> None:
    request, body = scrape(IPv4Address("TCP", "192.0.2.7", 1))
    assert body.decode() == "Метрики не отдаются этому адресу (metrics.allow)\n"
    assert request.responseHeaders.getRawHeaders(b"content-type") == [
        b"text/plain; charset=utf-8"]
    assert request.responseHeaders.getRawHeaders(b"cache-control") == [b"no-store"]


def test_a_client_without_an_ip_address_is_refused() -> None:
    """A Unix socket has no host to match; nothing that is not an address is let in."""
    request, body = scrape(UNIXAddress(b"/run/metrics.sock"), allow=("0.0.0.0/0", "::/0"))
    assert request.responseCode == 403 and b"secret_metric" not in body


@pytest.mark.parametrize(("host", "networks", "inside"), [
    ("fe80::1%eth0", ("fe80::/64",), True),  # a scoped link-local address: the zone is dropped
    ("::ffff:10.1.2.3", ("10.1.0.0/16",), True),
    ("10.1.2.3", ("::ffff:10.1.0.0/112",), False),  # IPv4 is matched against IPv4 networks
    ("localhost", LOOPBACK, False),
    ("", LOOPBACK, False),
    (None, LOOPBACK, False),
    ("127.0.0.1", (), False),
])
def test_address_in(host: str | None, networks: tuple[str, ...], inside: bool) -> None:
    parsed = tuple(ipaddress.ip_network(n) for n in networks)
    assert address_in(host, parsed) is inside

