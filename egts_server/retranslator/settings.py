"""What the retranslator is configured with: the upstream platforms and the link's timing.

``egts_server.config`` loads these from ``[retranslator]`` and validates them; the retranslator
only reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["RetranslatorSettings", "UpstreamSettings"]


@dataclass(frozen=True, slots=True)
class UpstreamSettings:
    """One platform we retransmit to (``[[retranslator.upstreams]]``), e.g. the regional RNIS.

    ``oids`` maps a vehicle id (a TOML key, so a string) to the object id the upstream knows
    it by; unmapped vehicles go as their EGTS terminal id, else their vehicle id.
    ``description_env`` names the environment variable whose value is sent as DSCR (some
    platforms expect credentials there, so it never comes from this file).
    """

    name: str = ""
    host: str = ""
    port: int = 20629
    dispatcher_id: int = 0
    vehicles: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()
    oids: Mapping[str, int] = field(default_factory=dict)
    enabled: bool = True
    description_env: str = ""
    description: str = field(default="", repr=False, metadata={"environment": True})


@dataclass(frozen=True, slots=True)
class RetranslatorSettings:
    upstreams: tuple[UpstreamSettings, ...] = ()
    response_timeout_s: float = 5.0  # TL_RESPONSE_TO: wait this long for a confirmation
    resend_attempts: int = 3  # TL_RESEND_ATTEMPTS: then drop the connection
    reconnect_s: float = 30.0  # TL_RECONNECT_TO: first pause before reconnecting
    reconnect_max_s: float = 600.0  # the pause doubles up to this while attempts fail
    poll_interval_s: float = 1.0  # how often an idle connection looks for new fixes
    records_per_packet: int = 50  # fixes per EGTS packet (and per vehicle per round)
