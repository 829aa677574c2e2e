"""Coverage results for people: a CSV that a Russian spreadsheet opens and a console table,
with Russian states and the city's local times."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from zoneinfo import ZoneInfo

from dispatch.bins import BinState, UnknownReason
from dispatch.coverage import STATES, compute_coverage
from dispatch.coverage_sheets import (
    CSV_HEADERS,
    REASON_LABELS,
    STATE_LABELS,
    coverage_csv,
    coverage_table,
    result_about,
)
from dispatch.fixes import FixArrays
from dispatch.local_time import local_text
from dispatch.parameters import ENGINE_VERSION
from tests.dispatch.synthetic import EAST_WEST, T0, street, two_routes_result, window

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")


def test_csv_opens_in_a_russian_spreadsheet_one_row_per_stretch() -> None:
    """BOM and ``;``; the window and parameters as ``параметр;значение`` rows; one row per
    stretch with Russian states and the city's local times."""
    result = two_routes_result()
    text = coverage_csv(result, VLADIVOSTOK)
    assert text.startswith("\ufeffпараметр;значение\r\nокно с;14.01.2026 11:55 (+10:00)\r\n")
    about, table = text[1:].split("\r\n\r\n")
    pairs = dict(csv.reader(io.StringIO(about), delimiter=";"))
    assert pairs["окно по"] == "14.01.2026 18:00 (+10:00)"
    assert pairs["offset_ratio"] == "0,75" and pairs["engine"] == ENGINE_VERSION
    rows = list(csv.reader(io.StringIO(table), delimiter=";"))
    assert tuple(rows[0]) == CSV_HEADERS
    assert len(rows) - 1 == sum(len(rc.stretches) for rc in result.routes)
    served = result.route(1).stretches[0]
    assert rows[1][:10] == ["1", "street 1", "", "ООО «А»", "2", "0", "0", "1000", "1000",
                            "убрано"]
    assert rows[1][15] == local_text(served.last_service, VLADIVOSTOK)
    assert rows[1][15].endswith(" (+10:00)")
    assert rows[2][9] == "не убрано" and rows[2][14:17] == ["", "", ""]
    assert pairs["версии маршрутов"] == "не сохранены"  # routes made here, never stored


def test_table_has_one_line_per_route_with_local_times() -> None:
    result = two_routes_result()
    lines = coverage_table(result, VLADIVOSTOK).splitlines()
    assert lines[0] == "уборка с 14.01.2026 11:55 (+10:00) по 14.01.2026 18:00 (+10:00)"
    assert lines[3].split() == ["1", "street", "1", "1,00", "100,0%", "0,0%", "0,0%", "0,0%",
                                *local_text(result.route(1).cleared_at, VLADIVOSTOK).split()]
    assert lines[4].split()[-1] == "-" and lines[-1].split() == ["всего", "2,00", "50,0%"]


def test_every_state_and_every_unknown_reason_has_a_russian_label() -> None:
    """The labels cover exactly the states the engine gives and the reasons a bin can have."""
    assert set(STATE_LABELS) == set(STATES) == {s.label for s in BinState}
    assert set(REASON_LABELS) == {r.label for r in UnknownReason if r.label is not None}


def test_stored_route_versions_are_listed_in_the_about_rows() -> None:
    routes = [replace(street(3, EAST_WEST), version=4), street(5, EAST_WEST),
              replace(street(1, EAST_WEST), version=2)]
    result = compute_coverage(routes, FixArrays.empty(), {}, window=window(), now=T0)
    about = dict(result_about(result, VLADIVOSTOK))
    assert about["версии маршрутов"] == "3 v4, 1 v2"
    assert about["рассчитано"] == "14.01.2026 12:00 (+10:00)"
    assert about["cleaning.max_hdop"] == 5.0 and about["speed_bands_kmh.plough"] == "5 – 45"


def test_an_untouched_route_is_all_not_served_and_never_cleared() -> None:
    """Its shares are printed with a decimal comma and its clearing time is "-"."""
    result = compute_coverage([street(1, EAST_WEST)], FixArrays.empty(), {}, window=window(),
                              now=T0)
    lines = coverage_table(result, VLADIVOSTOK).splitlines()
    assert lines[3].split() == ["1", "street", "1", "1,00", "0,0%", "0,0%", "0,0%",
                                "100,0%", "-"]
    assert lines[-1].split() == ["всего", "1,00", "0,0%"]
