"""``maps export``: the public site is written with the [public] settings, and one line says
what it holds (what it holds and leaks: tests/maps/api/test_public_export.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from egts_server.cli import main
from tests.public_city import prepare


def test_the_public_settings_shape_the_export_and_its_summary(
        cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prepare(cli_env, with_demo=False)
    config = tmp_path / "config.toml"
    config.write_text("[public]\ncoordinate_decimals = 2\nservice_window_h = 48.0\n")
    site = tmp_path / "new" / "site"  # folders that do not exist yet are made
    assert main(["--config", str(config), "maps", "export", str(site)]) == 0
    vehicles = json.loads((site / "data" / "vehicles.geojson").read_text(encoding="utf-8"))
    assert [f["geometry"]["coordinates"] for f in vehicles["features"]] == [[137.02, 50.55]]
    files = sum(1 for p in site.rglob("*") if p.is_file() and "static" not in p.parts)
    assert capsys.readouterr().out == (
        f"public site written to {site}: 1 vehicles, 2 routes (1 of 2 stretches served within "
        f"48 h), 1 public marks ({files} files + static/)\n")
