"""The storm act's rows per route and contractor and its CSV (the page: maps.pages.storm_report)."""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from dispatch.reports import ACT_HEADERS, act_rows, storm_csv
from tests.dispatch.synthetic import storm_act

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")


def test_act_rows_per_route_grouped_by_contractor() -> None:
    """One row per route, ordered by contractor, with the serving vehicle named."""
    rows = act_rows(storm_act())
    assert [(r.contractor, r.route) for r in rows] == [("ООО «А»", "ул. Ленина"),
                                                         ("ООО «Б»", "ул. Мира")]
    assert rows[0].served_pct == 100.0 and rows[0].vehicles == "КДМ 007 (7)"
    assert rows[1].status == "pending" and rows[1].vehicles == ""


def test_csv_act_opens_in_a_russian_spreadsheet() -> None:
    """BOM, ``;``, the storm and parameters as ``параметр;значение`` rows, then one row per
    route in Russian with local times and decimal commas."""
    text = storm_csv(storm_act(), VLADIVOSTOK)
    assert text.startswith("\ufeffпараметр;значение\r\n")
    about, table = text[1:].split("\r\n\r\n")
    pairs = dict(row for row in csv.reader(io.StringIO(about), delimiter=";"))
    assert pairs["снегопад"] == "№ 3: Метель 3 февраля"
    assert pairs["начало"] == "14.01.2026 11:00 (+10:00)"  # 01:00 UTC
    assert pairs["окончание снегопада"] == "14.01.2026 12:00 (+10:00)"
    assert pairs["нормативы"] == "класс 1: 4 ч, класс 2: 6 ч, класс 3: 12 ч"
    assert pairs["served_fraction"] == "0,9" and pairs["cleaning.max_hdop"] == "5"
    rows = list(csv.reader(io.StringIO(table), delimiter=";"))
    assert tuple(rows[0]) == ACT_HEADERS
    assert rows[1] == ["ООО «А»", "1", "ул. Ленина", "очистка плугом", "1", "1000", "1000", "0",
                       "0", "0", "100", "4", "14.01.2026 16:00 (+10:00)",
                       "14.01.2026 12:04 (+10:00)", "0,08", "в норматив", "КДМ 007 (7)"]
    assert rows[2][-4:] == ["", "", "в работе", ""]


def test_the_csv_act_shows_each_machine_s_data_completeness() -> None:
    """The plough reported for 5 min of a 4 h storm with its blade always down: a row of its
    own under the parameters (the page's table: tests/maps/pages/test_storm_report.py)."""
    act = storm_act(with_completeness=True)
    about = storm_csv(act, VLADIVOSTOK)[1:].split("\r\n\r\n")[0]
    pairs = dict(row for row in csv.reader(io.StringIO(about), delimiter=";"))
    assert pairs["данные: КДМ 007"] == (
        "подрядчик: ООО «А»; отметок: 65; смена с данными, %: 2,3; пропусков: 2; "
        "самый долгий, мин: 174,7; неверных: 0; из будущего: 0; датчик: всегда включён; "
        "под подозрением: да")
