"""Past fixes driven along a line and sent over EGTS, for screenshots and browser tests.

A real served process learns about the past only the way production does: a terminal sends
fixes (a black box replaying them, say) and they are stored after acknowledgement. So the
history here is made of fixes along a route at a steady speed, sent through the test terminal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from tests.egts_terminal import EgtsTerminal

__all__ = ["drive_line", "send_fixes"]

_M_PER_DEG = 111_320.0


def _metres(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """(east, north) metres from a to b, equirectangular: fine over a city street."""
    mid = math.radians((a[1] + b[1]) / 2)
    return (b[0] - a[0]) * _M_PER_DEG * math.cos(mid), (b[1] - a[1]) * _M_PER_DEG


def drive_line(coords: Sequence[tuple[float, float]], start: datetime, *,
               speed_kmh: float = 30.0, every_s: float = 5.0, din: int = 1,
               both_ways: bool = False, laps: int = 1,
               silent: tuple[float, float] | None = None) -> list[dict[str, Any]]:
    """Fixes every ``every_s`` along lon/lat ``coords`` (and back when ``both_ways``), ``laps``
    times over, as a plough that has to pass a street several times.

    ``silent`` is a (from, to) range of seconds after ``start`` in which no fix is produced,
    as when a terminal loses its link: the track then has a gap there.
    """
    lap = list(coords) + (list(reversed(coords))[1:] if both_ways else [])
    path = lap + [c for _ in range(laps - 1) for c in (lap[1:] if both_ways else lap)]
    step = speed_kmh / 3.6 * every_s
    fixes: list[dict[str, Any]] = []
    t, carry = 0.0, 0.0
    for a, b in zip(path, path[1:], strict=False):
        east, north = _metres(a, b)
        length = math.hypot(east, north)
        if length == 0:
            continue
        course = int(round(math.degrees(math.atan2(east, north)))) % 360
        along = carry
        while along < length:
            f = along / length
            if silent is None or not silent[0] <= t < silent[1]:
                fixes.append({"time": start + timedelta(seconds=t),
                              "lat": a[1] + (b[1] - a[1]) * f, "lon": a[0] + (b[0] - a[0]) * f,
                              "speed_kmh": speed_kmh, "course": course, "vld": True,
                              "din": din, "mv": True})
            along += step
            t += every_s
        carry = along - length
    return fixes


def send_fixes(port: int, tid: int, fixes: Sequence[dict[str, Any]]) -> None:
    """Log in as terminal ``tid`` and send the fixes ten per packet, each acknowledged."""
    terminal = EgtsTerminal(port)
    try:
        _, result = terminal.login(tid, None)
        if result.result_code != 0:
            raise RuntimeError(f"terminal {tid} refused: result code {result.result_code}")
        for i in range(0, len(fixes), 10):
            pid, rns = terminal.send_fixes(tid, list(fixes[i:i + 10]))
            reply = terminal.read_reply()
            if reply.rpid != pid or reply.confirmed != [(rn, 0) for rn in rns]:
                raise RuntimeError(f"terminal {tid}: packet {pid} not acknowledged: {reply}")
    finally:
        terminal.close()
