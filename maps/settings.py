"""Settings of the web side (pages, API, sign-in, public map, GTFS-Realtime, /metrics).

The application's configuration (``egts_server.config``) composes these; maps receives them
and never reads configuration itself. Imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MapSettings:
    center_lat: float = 50.55
    center_lon: float = 137.0
    zoom: int = 12
    tile_url: str = ""  # no basemap by default: nothing loads from outside the city network
    poll_interval_s: float = 5.0
    offline_after_s: float = 600.0


@dataclass(frozen=True, slots=True)
class AuthSettings:
    anonymous_read: bool = True  # visitors may look (not write) without signing in: the demo
    session_hours: float = 12.0
    secure_cookie: bool = False  # set behind HTTPS
    hash_threads: int = 1  # password hashing has a pool of its own; reads never wait on it
    throttle_failures: int = 10  # failed sign-ins per login and address within 10 minutes
    throttle_failures_per_address: int = 50  # across every login, from one address


@dataclass(frozen=True, slots=True)
class MetricsSettings:
    allow: tuple[str, ...] = ("127.0.0.0/8", "::1/128")  # networks that may read /metrics


@dataclass(frozen=True, slots=True)
class PublicSettings:
    """The city's public map (``/public/`` and ``maps export``)."""

    vehicle_delay_s: float = 900.0  # the public map shows where vehicles were this long ago
    coordinate_decimals: int = 3  # about 100 m: enough to see the street, not the driver
    band_hours: tuple[float, ...] = (3.0, 6.0, 12.0)  # time-since-service bands' upper bounds
    service_window_h: float = 24.0  # last service looked for this far back; older is "never"
    refresh_s: float = 60.0  # /public/ recomputes its data at most this often


@dataclass(frozen=True, slots=True)
class GtfsRtSettings:
    stale_after_s: float = 300.0  # buses whose last fix is older are left out of the feed


@dataclass(frozen=True, slots=True)
class SiteSettings:
    time_zone: str = "Asia/Vladivostok"  # IANA zone of every time people read or type
