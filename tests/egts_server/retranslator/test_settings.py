"""``[retranslator]`` and ``[gtfs_rt]`` settings: parsing, and errors that name the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from egts_server.config import ConfigError, load_settings

UPSTREAM = """
[[retranslator.upstreams]]
name = "rnis"
host = "rnis.example.org"
port = 4000
dispatcher_id = 1234
kinds = ["bus"]
vehicles = [12, 15]
oids = { 12 = 880012 }
"""


def load(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> Any:
    path = tmp_path / "c.toml"
    path.write_text(text)
    return load_settings(path, environ or {})


def test_upstream_table_is_read_with_its_lists_and_oids(tmp_path: Path) -> None:
    """An array of tables becomes a tuple of frozen upstream settings."""
    (u,) = load(tmp_path, UPSTREAM).retranslator.upstreams
    assert (u.name, u.host, u.port, u.dispatcher_id) == ("rnis", "rnis.example.org", 4000, 1234)
    assert (u.kinds, u.vehicles, dict(u.oids), u.enabled) == (("bus",), (12, 15),
                                                               {"12": 880012}, True)


def test_description_comes_from_the_environment(tmp_path: Path) -> None:
    """DSCR may carry credentials: only its variable's name is in the file."""
    text = UPSTREAM + 'description_env = "RNIS_DSCR"\n'
    (u,) = load(tmp_path, text, {"RNIS_DSCR": "login:secret"}).retranslator.upstreams
    assert u.description == "login:secret" and "secret" not in repr(u)
    with pytest.raises(ConfigError, match=r"upstreams\[0\]\.description_env: .*RNIS_DSCR"):
        load(tmp_path, text)


@pytest.mark.parametrize(("change", "message"), [
    ('host = ""', r"retranslator\.upstreams\[0\]\.host: required"),
    ("port = 70000", r"retranslator\.upstreams\[0\]\.port: 70000 is not a TCP port"),
    ("dispatcher_id = -1", r"dispatcher_id: must fit in 32 bits"),
    ("kinds = []\nvehicles = []", r"upstreams\[0\]: selects no vehicle"),
    ('oids = { bus = 1 }', r"upstreams\[0\]\.oids\.bus: keys are vehicle ids"),
    ('vehicles = ["x"]', r"upstreams\[0\]\.vehicles\[0\]: expected int, got 'x'"),
    ("prot = 1", r"upstreams\[0\]\.prot: unknown setting"),
])
def test_bad_upstream_is_refused_naming_the_key(tmp_path: Path, change: str,
                                               message: str) -> None:
    """Each mistake names the upstream's index and the key."""
    lines = [line for line in UPSTREAM.splitlines()
             if line.split("=")[0].strip() not in {c.split("=")[0].strip()
                                                   for c in change.splitlines()}]
    with pytest.raises(ConfigError, match=message):
        load(tmp_path, "\n".join(lines) + "\n" + change + "\n")


def test_duplicate_names_are_refused(tmp_path: Path) -> None:
    """Names identify upstreams in the database, the console and metrics."""
    with pytest.raises(ConfigError, match=r"upstreams\[1\]\.name"):
        load(tmp_path, UPSTREAM + UPSTREAM)


def test_timings_are_checked(tmp_path: Path) -> None:
    """The reconnect cap cannot be below the first pause; timeouts must be positive."""
    with pytest.raises(ConfigError, match=r"retranslator\.reconnect_max_s"):
        load(tmp_path, "[retranslator]\nreconnect_s = 30\nreconnect_max_s = 10\n")
    with pytest.raises(ConfigError, match=r"retranslator\.response_timeout_s"):
        load(tmp_path, "[retranslator]\nresponse_timeout_s = 0\n")
    with pytest.raises(ConfigError, match=r"gtfs_rt\.stale_after_s"):
        load(tmp_path, "[gtfs_rt]\nstale_after_s = -1\n")


def test_unknown_vehicle_kind_is_refused_when_loading(tmp_path: Path) -> None:
    """A kind the fleet does not have is a typo, named with its key."""
    with pytest.raises(ConfigError, match=r"upstreams\[0\]\.kinds: 'buss' is not one of"):
        load(tmp_path, UPSTREAM.replace('["bus"]', '["buss"]'))
