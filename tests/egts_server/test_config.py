"""Configuration: defaults documented in the example, errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from egts_server.config import ConfigError, Settings, load_settings

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text)
    return path


def test_example_file_documents_exactly_the_defaults() -> None:
    """config.example.toml spells out every default, so it cannot drift from the code."""
    assert load_settings(REPO / "config.example.toml", {}) == Settings(project_dir=".")


def test_unknown_key_is_named(tmp_path: Path) -> None:
    """A misspelt setting is refused with its full dotted name."""
    with pytest.raises(ConfigError, match=r"egts\.prot: unknown setting"):
        load_settings(write(tmp_path, "[egts]\nprot = 1\n"), {})


def test_wrong_type_is_named(tmp_path: Path) -> None:
    """A value of the wrong type is refused naming the key and the value."""
    with pytest.raises(ConfigError, match=r"http\.port: expected int, got 'x'"):
        load_settings(write(tmp_path, "[http]\nport = 'x'\n"), {})


def test_policy_must_be_one_of_the_choices(tmp_path: Path) -> None:
    """The unknown-terminal policy accepts only its three values."""
    with pytest.raises(ConfigError, match=r"intake\.unknown_terminals: 'allow' is not one of"):
        load_settings(write(tmp_path, "[intake]\nunknown_terminals = 'allow'\n"), {})


def test_the_city_zone_is_configurable(tmp_path: Path) -> None:
    path = write(tmp_path, '[site]\ntime_zone = "Asia/Yekaterinburg"\n')
    assert load_settings(path, {}).site.time_zone == "Asia/Yekaterinburg"


def test_database_url_from_environment_wins(tmp_path: Path) -> None:
    """DATABASE_URL switches everything to an external database."""
    settings = load_settings(write(tmp_path, "[database]\nurl = 'postgresql://a/b'\n"),
                             {"DATABASE_URL": "postgresql://x/y"})
    assert settings.database.url == "postgresql://x/y"


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    """A syntax error reports the file it is in."""
    path = write(tmp_path, "[egts\n")
    with pytest.raises(ConfigError, match="c.toml"):
        load_settings(path, {})


def test_public_band_defaults_are_the_pages_defaults() -> None:
    """Pages without settings (the coverage map) use the same bands as the default config."""
    from maps.api.public_layers import DEFAULT_BAND_HOURS, DEFAULT_WINDOW_H

    public = Settings().public
    assert (public.band_hours, public.service_window_h) == (DEFAULT_BAND_HOURS, DEFAULT_WINDOW_H)


@pytest.mark.parametrize(("text", "message"), [
    ("[alerts]\ninterval_s = 0\n", r"alerts\.interval_s: must be positive"),
    ("[alerts.detect]\nidle_after_min = -5\n", r"alerts\.detect\.idle_after_min: must be"),
    ("[alerts.detect]\nsilent_min = 5\n", r"alerts\.detect\.silent_min: unknown setting"),
])
def test_alert_settings_are_checked(tmp_path: Path, text: str, message: str) -> None:
    """The alert job's schedule and thresholds are positive, and named when they are not."""
    with pytest.raises(ConfigError, match=message):
        load_settings(write(tmp_path, text), {})


def test_alert_thresholds_reach_the_sources(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "[alerts.detect]\nstorm_silent_after_min = 5\n"),
                             {})
    assert settings.alerts.detect.storm_silent_after_min == 5.0
    assert settings.alerts.detect.idle_after_min == 30.0
