"""The [ndtp] and [nis] settings: defaults, ports, and NIS passwords from the environment only."""

from __future__ import annotations

from pathlib import Path

import pytest

from egts_server.config import ConfigError, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text)
    return path


def test_defaults_listen_for_ndtp_on_5243_and_accept_no_nis_sender() -> None:
    """Without a file: NDTP on 5243, /nis enabled with no account (every post gets 401)."""
    settings = load_settings(None, {})
    assert (settings.ndtp.enabled, settings.ndtp.host, settings.ndtp.port) == (True, "0.0.0.0",
                                                                               5243)
    assert settings.nis.enabled and dict(settings.nis.accounts) == {}
    assert dict(settings.nis.passwords) == {}


def test_nis_passwords_come_from_the_named_variables(tmp_path: Path) -> None:
    """accounts maps a login to a variable name; the password is read from the environment."""
    path = write(tmp_path, '[nis.accounts]\nwialon = "NIS_WIALON"\nglonasssoft = "NIS_GS"\n')
    settings = load_settings(path, {"NIS_WIALON": "pw-one-9f3", "NIS_GS": "pw-two-7c1"})
    assert dict(settings.nis.passwords) == {"wialon": "pw-one-9f3", "glonasssoft": "pw-two-7c1"}
    assert "pw-one" not in repr(settings) and "pw-two" not in repr(settings)


def test_missing_password_variable_names_the_account_and_variable(tmp_path: Path) -> None:
    """An account whose variable is unset is a configuration error naming both."""
    path = write(tmp_path, '[nis.accounts]\nwialon = "NIS_WIALON"\n')
    with pytest.raises(ConfigError, match=r"nis\.accounts\.wialon: environment variable "
                                          r"NIS_WIALON"):
        load_settings(path, {})


def test_disabled_nis_needs_no_passwords(tmp_path: Path) -> None:
    """With [nis] enabled = false the variables are not required."""
    path = write(tmp_path, '[nis]\nenabled = false\n[nis.accounts]\nwialon = "NIS_WIALON"\n')
    assert load_settings(path, {}).nis.passwords == {}


def test_passwords_cannot_be_written_in_the_file(tmp_path: Path) -> None:
    """Secrets only from the environment: a passwords key in the file is refused."""
    with pytest.raises(ConfigError, match=r"nis\.passwords: unknown setting"):
        load_settings(write(tmp_path, '[nis]\npasswords = {wialon = "x"}\n'), {})


@pytest.mark.parametrize(("text", "message"), [
    ("[ndtp]\nport = 70000\n", r"ndtp\.port: 70000 is not a TCP port"),
    ("[nis]\naccounts = 3\n", r"nis\.accounts: expected a table"),
    ("[nis.accounts]\nwialon = 5\n", r"nis\.accounts\.wialon: expected str"),
])
def test_bad_values_are_named(tmp_path: Path, text: str, message: str) -> None:
    """Wrong types and ports name the key."""
    with pytest.raises(ConfigError, match=message):
        load_settings(write(tmp_path, text), {})
