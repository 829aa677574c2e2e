"""Settings of the telemetry listeners: one section per protocol with ``enabled``, ``host``
and ``port`` (README's protocol table lists them), and the PROXY protocol switch every listener
has. Composed into ``config.Settings``."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

#: The trackers' sections of ``config.Settings`` (each with ``port``; all but osmand TCP).
TRACKERS: Final = ("wialon", "wialonretr", "teltonika", "galileosky", "navtelecom", "osmand")
#: The sections that take the PROXY protocol: every listener, telemetry, phones and HTTP.
PROXIED: Final = ("egts", "ndtp", *TRACKERS, "http")


def bad_networks(key: str, networks: Sequence[str]) -> str | None:
    """What is wrong with the setting ``key``, naming the entry that is not a network."""
    for n, network in enumerate(networks):
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            return f"{key}[{n}]: {network!r} is not a network"
    return None


def proxy_problem(settings: object) -> str | None:
    """What is wrong with the PROXY settings of ``settings``' listener sections, if anything."""
    for name in PROXIED:
        listener: ProxyProtocolSettings = getattr(settings, name)
        key = f"{name}.proxy_protocol_from"
        problem = bad_networks(key, listener.proxy_protocol_from)
        if problem:
            return problem
        if listener.proxy_protocol and not listener.proxy_protocol_from:
            return f"{key}: name the load balancers' networks"
    return None


@dataclass(frozen=True, slots=True)
class ProxyProtocolSettings:
    """Behind a load balancer that sends the PROXY protocol (HAProxy ``send-proxy-v2``): every
    connection must start with a v1 or v2 header, accepted only from ``proxy_protocol_from``,
    and the address it carries is the client's everywhere (logs, caps, archive)."""

    proxy_protocol: bool = False
    proxy_protocol_from: tuple[str, ...] = ("127.0.0.0/8", "::1/128")  # the balancers' networks


@dataclass(frozen=True, slots=True)
class ListenerSettings(ProxyProtocolSettings):
    enabled: bool = True
    host: str = "0.0.0.0"
    port: int = 20629
    backlog: int = 4096  # pending connections the kernel queues (reconnect storms)


@dataclass(frozen=True, slots=True)
class TrackerListenerSettings(ListenerSettings):
    """A tracker's TCP listener: off until the operator switches it on."""

    enabled: bool = False


@dataclass(frozen=True, slots=True)
class NdtpSettings(ListenerSettings):
    """NDTP v6 listener (Granit-family terminals)."""

    port: int = 5243


@dataclass(frozen=True, slots=True)
class WialonSettings(TrackerListenerSettings):
    """Wialon IPS 1.1/2.0 listener. ``accounts`` maps a tracker id to the *name* of the
    environment variable holding its password (checked only for ids listed here)."""

    port: int = 20332
    accounts: Mapping[str, str] = field(default_factory=dict)
    passwords: Mapping[str, str] = field(default_factory=dict, repr=False,
                                         metadata={"environment": True})


@dataclass(frozen=True, slots=True)
class TeltonikaSettings(TrackerListenerSettings):
    """Teltonika Codec 8 / 8 Extended / 16 listener."""

    port: int = 5027


@dataclass(frozen=True, slots=True)
class OsmandSettings(ProxyProtocolSettings):
    """OsmAnd / Traccar Client reports over HTTP (phones), on a port of their own."""

    enabled: bool = False
    host: str = "0.0.0.0"
    port: int = 5055


@dataclass(frozen=True, slots=True)
class WialonRetranslatorSettings(TrackerListenerSettings):
    """Wialon Retranslator 1.0 listener (another platform relays its units)."""

    port: int = 20333


@dataclass(frozen=True, slots=True)
class GalileoskySettings(TrackerListenerSettings):
    """Galileosky listener."""

    port: int = 20334


@dataclass(frozen=True, slots=True)
class NavtelecomSettings(TrackerListenerSettings):
    """NavTelecom NTCB/FLEX listener."""

    port: int = 20335
