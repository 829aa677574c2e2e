"""PROXY protocol headers as HAProxy sends them, written from the specification (haproxy's
doc/proxy-protocol.txt), not from our reader or Twisted's parsers: a second oracle."""

from __future__ import annotations

import ipaddress
import struct

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def _loopback_like(source: str) -> str:
    return "::1" if ":" in source else "127.0.0.1"


def v1(source: str, source_port: int, destination: str | None = None,
       destination_port: int = 20629) -> bytes:
    """A v1 line: ``PROXY TCP4|TCP6 src dst sport dport``."""
    family = "TCP6" if ":" in source else "TCP4"
    destination = destination or _loopback_like(source)
    return f"PROXY {family} {source} {destination} {source_port} {destination_port}\r\n".encode()


def v2(source: str, source_port: int, destination: str | None = None,
       destination_port: int = 20629, *, command: int = 1, tlvs: bytes = b"") -> bytes:
    """A v2 header: signature, version 2 and ``command`` (1 PROXY, 0 LOCAL), TCP over IPv4 or
    IPv6, the addresses, and any ``tlvs`` after them."""
    src = ipaddress.ip_address(source)
    dst = ipaddress.ip_address(destination or _loopback_like(source))
    family = 0x21 if src.version == 6 else 0x11  # AF_INET6 / AF_INET, STREAM
    addresses = src.packed + dst.packed + struct.pack("!HH", source_port, destination_port)
    body = addresses + tlvs
    return V2_SIGNATURE + bytes([0x20 | command, family]) + struct.pack("!H", len(body)) + body


def v2_local() -> bytes:
    """What HAProxy's health checks send: v2 LOCAL with no addresses."""
    return V2_SIGNATURE + b"\x20\x00\x00\x00"
