"""``terminals command|commands``: how a person names a terminal, and the history sheet."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from egts_server.cli.terminal_commands import history_csv, terminal_and_text
from egts_server.config import ConfigError


@pytest.mark.parametrize(("words", "expected"), [
    (["1001"], ("egts", "1001", None)),
    (["egts:1001", "GETVER"], ("egts", "1001", "GETVER")),
    (["egts", "1001", "SET", "APN", "internet"], ("egts", "1001", "SET APN internet")),
    (["861230045678901", "STATUS"], ("egts", "861230045678901", "STATUS")),
    (["teltonika:356307042441013", "getinfo"], ("teltonika", "356307042441013", "getinfo")),
    (["teltonika", "356307042441013", "setdigout", "1"],
     ("teltonika", "356307042441013", "setdigout 1")),
])
def test_the_cli_names_a_terminal_five_ways(words: list[str],
                                            expected: tuple[str, str, str | None]) -> None:
    assert terminal_and_text(words) == expected


def test_the_cli_refuses_other_protocols() -> None:
    with pytest.raises(ConfigError, match="EGTS and Teltonika terminals, not ndtp$"):
        terminal_and_text(["ndtp:5"])
    with pytest.raises(ConfigError, match="^terminals commands: commands go to EGTS"):
        terminal_and_text(["ndtp:5"], "terminals commands")


def test_the_history_sheet_is_russian_with_local_times() -> None:
    command = {"id": 7, "created_at": "2026-01-14T06:00:00+00:00", "created_by": "cli",
               "summary": "GETVER", "status": "confirmed", "attempts": 1,
               "confirmation": "OK", "result_text": "ver 2.1", "result_hex": None, "error": None}
    sheet = history_csv([command], ZoneInfo("Asia/Vladivostok"))
    assert sheet.splitlines()[0] == ("\ufeff№;Создана;Кем;Команда;Статус;Попыток;"
                                     "Подтверждение;Ответ терминала;Ответ (hex);Ошибка")
    assert sheet.splitlines()[1].split(";")[:8] == [
        "7", "14.01.2026 16:00 (+10:00)", "cli", "GETVER", "выполнена", "1", "OK", "ver 2.1"]
