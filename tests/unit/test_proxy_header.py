"""Reading the PROXY header: v1 and v2 cut from a stream split any way, the client's address
taken, the bytes after it kept, and everything else refused with a reason."""

from __future__ import annotations

import pytest
from twisted.internet.address import IPv4Address, IPv6Address

from egts_server.net.proxy_header import BadProxyHeader, cut_header
from tests.builders import proxy

EGTS_LOGIN_HEAD = bytes.fromhex("0100000b0023000000")  # the start of an EGTS packet


@pytest.mark.parametrize(("header", "client"), [
    (proxy.v1("203.0.113.5", 40001), IPv4Address("TCP", "203.0.113.5", 40001)),
    (proxy.v1("2001:db8::7", 65535), IPv6Address("TCP", "2001:db8::7", 65535)),
    (proxy.v2("203.0.113.5", 40001), IPv4Address("TCP", "203.0.113.5", 40001)),
    (proxy.v2("2001:db8::7", 1), IPv6Address("TCP", "2001:db8::7", 1)),
    (proxy.v2("198.51.100.2", 9, tlvs=b"\x05\x00\x02ab"), IPv4Address("TCP", "198.51.100.2", 9)),
])
def test_header_split_any_way_gives_client_and_the_bytes_after(
        header: bytes, client: IPv4Address | IPv6Address) -> None:
    """However the header arrives, the client comes out once it is whole, with what follows."""
    stream = header + EGTS_LOGIN_HEAD
    for cut in range(1, len(header)):
        assert cut_header(stream[:cut]) is None
    for end in range(len(header), len(stream) + 1):
        assert cut_header(stream[:end]) == (client, stream[len(header):end])


@pytest.mark.parametrize("header", [proxy.v2_local(), b"PROXY UNKNOWN\r\n"])
def test_header_without_client_leaves_the_connection_its_own(header: bytes) -> None:
    """v2 LOCAL (a health check) and v1 UNKNOWN name nobody: no client address."""
    assert cut_header(header + b"x") == (None, b"x")


@pytest.mark.parametrize(("stream", "reason"), [
    (EGTS_LOGIN_HEAD, "no PROXY header: starts with 0100000b0023000000"),
    (b"GET / HTTP/1.1\r\n", "no PROXY header"),
    (b"PROXY TCP4 203.0.113.5 127.0.0.1 40001\r\n", "malformed header"),
    (b"PROXY TCP4 not-an-ip 127.0.0.1 40001 20629\r\n", "malformed header"),
    (b"PROXY TCP4 203.0.113.5 127.0.0.1 70000 20629\r\n", "malformed header"),
    (b"PROXY UDP4 203.0.113.5 127.0.0.1 1 2\r\n", "malformed header"),
    (b"PROXY TCP4 " + b"1" * 100, "v1 header without CRLF in 107 bytes"),
    (proxy.V2_SIGNATURE + b"\x30\x11\x00\x0c" + bytes(12), "malformed header"),  # version 3
    (proxy.V2_SIGNATURE + b"\x21\x11\x00\x04" + bytes(4), "malformed header"),  # short IPv4
    (proxy.V2_SIGNATURE + b"\x21\x11\xff\xff", "v2 header of 65551 bytes"),
])
def test_anything_else_is_refused_with_a_reason(stream: bytes, reason: str) -> None:
    """Bytes that cannot start a usable header raise ``BadProxyHeader`` naming what is wrong."""
    with pytest.raises(BadProxyHeader, match=reason):
        cut_header(stream)
