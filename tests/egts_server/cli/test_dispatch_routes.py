"""``glonass-dispatch routes import|export|list`` against the test database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from egts_server.cli import main
from tests.dispatch.geometry_fixtures import (
    FAR_OUTSIDE_CITY,
    L_SHAPED,
    STRAIGHT_EAST_1KM,
    ZERO_LENGTH,
    line_feature,
)


def write(path: Path, features: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, indent=1,
                               ensure_ascii=False), encoding="utf-8")
    return path


def test_import_list_export_round_trip(cli_env: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Imported routes are listed and exported; re-importing the export updates, not duplicates."""
    source = write(tmp_path / "routes.geojson", [
        line_feature(STRAIGHT_EAST_1KM, "ул. Ленина", priority=1, contractor="МУП"),
        line_feature(L_SHAPED, "ул. Мира", treatment="spread", direction="as_drawn")])
    assert main(["routes", "import", str(source)]) == 0
    assert "2 created, 0 updated" in capsys.readouterr().out

    assert main(["routes", "list"]) == 0
    listing = capsys.readouterr().out
    assert "ул. Ленина" in listing and "spread" in listing and "1.00" in listing

    exported = tmp_path / "export.geojson"
    assert main(["routes", "export", str(exported)]) == 0
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert {f["properties"]["name"] for f in document["features"]} == {"ул. Ленина", "ул. Мира"}
    assert main(["routes", "import", str(exported)]) == 0
    assert "0 created, 2 updated" in capsys.readouterr().out

    assert main(["routes", "export"]) == 0
    assert json.loads(capsys.readouterr().out)["type"] == "FeatureCollection"


def test_bad_feature_is_named_by_index_name_and_line_and_nothing_is_imported(
        cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A zero-length second feature stops the import with exit 2 and a precise message."""
    source = write(tmp_path / "bad.geojson", [line_feature(STRAIGHT_EAST_1KM, "Первая"),
                                               line_feature(ZERO_LENGTH, "Вторая")])
    assert main(["routes", "import", str(source)]) == 2
    error = capsys.readouterr().err
    line = source.read_text(encoding="utf-8").splitlines().index("  {", 5) + 1
    assert f"объект 1 («Вторая», строка {line}): у линии нулевая длина" in error
    assert main(["routes", "list"]) == 0
    assert "Первая" not in capsys.readouterr().out


def test_outside_city_imports_with_a_warning_and_dry_run_imports_nothing(
        cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Far-away lines warn on stderr; --dry-run validates without storing."""
    source = write(tmp_path / "far.geojson", [line_feature(FAR_OUTSIDE_CITY, "Хабаровск")])
    assert main(["routes", "import", "--dry-run", str(source)]) == 0
    captured = capsys.readouterr()
    assert "предупреждение:" in captured.err and "вне города" in captured.err
    assert main(["routes", "list"]) == 0
    assert "Хабаровск" not in capsys.readouterr().out
    assert main(["routes", "import", str(source)]) == 0


def test_unreadable_or_non_json_file_is_an_error(cli_env: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A missing file and a broken JSON file both fail with a message, not a traceback."""
    assert main(["routes", "import", str(tmp_path / "missing.geojson")]) == 2
    assert "cannot read" in capsys.readouterr().err
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection",\n "features": [\n', encoding="utf-8")
    assert main(["routes", "import", str(broken)]) == 2
    assert "строка 3" in capsys.readouterr().err
