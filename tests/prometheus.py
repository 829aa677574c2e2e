"""Read a served process's ``/metrics`` (Prometheus text) for tests and benchmarks."""

from __future__ import annotations

import urllib.request


def scrape(http_port: int, timeout: float = 10.0) -> dict[str, float]:
    """``/metrics`` as {"name{labels}": value}."""
    with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/metrics", timeout=timeout) as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out
