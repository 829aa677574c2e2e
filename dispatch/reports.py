"""The act of work for a storm: one row per route (grouped by contractor), as data and as CSV.

This is what the road department pays against and what a contractor disputes, so each row says
what was measured (length per state), against what (the priority class's norm, the deadline),
the outcome (cleared when, time-to-clear, status) and who did it (the vehicles). The HTML
version with the map is ``maps.report_page``; both read the rows from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Final

from dispatch.coverage_sheets import result_about
from dispatch.data_completeness import SENSOR_LABELS, VehicleCompleteness
from dispatch.local_time import local_text
from dispatch.routes import TREATMENT_LABELS
from dispatch.sheets import decimal, sheet_cell, sheet_csv
from dispatch.storms import StormReport

__all__ = ["ACT_HEADERS", "COMPLETENESS_HEADERS", "ActRow", "STATUS_LABELS", "act_rows",
           "completeness_cells", "norms_text", "storm_about", "storm_csv"]

STATUS_LABELS: Final = {"within_norm": "в норматив", "late": "с опозданием",
                        "overdue": "просрочено", "pending": "в работе", "unknown": "нет данных"}


@dataclass(frozen=True, slots=True)
class ActRow:
    contractor: str
    route_id: int | None
    route: str
    treatment: str
    priority: int
    length_m: float
    served_m: float
    partial_m: float
    unknown_m: float
    not_served_m: float
    served_pct: float
    norm_h: float
    deadline: datetime | None
    cleared_at: datetime | None
    time_to_clear_h: float | None
    status: str
    vehicles: str  # "name (id); ..." of the vehicles with confirmed passes


def act_rows(report: StormReport) -> list[ActRow]:
    """Routes ordered by contractor, then priority, then name."""
    names = {v.id: v.name for v in report.result.vehicles.values()}
    rows = []
    for rc in report.routes:
        cov = rc.coverage
        route = cov.route
        worked = sorted(w.vehicle_id for w in cov.vehicles if w.confirmed_m > 0)
        rows.append(ActRow(
            contractor=route.contractor or "—", route_id=route.id, route=route.name,
            treatment=route.treatment, priority=route.priority,
            length_m=round(cov.length_m, 1), served_m=cov.state_m["served"],
            partial_m=cov.state_m["partial"], unknown_m=cov.state_m["unknown"],
            not_served_m=cov.state_m["not_served"], served_pct=round(cov.served_pct, 1),
            norm_h=rc.norm_h, deadline=rc.deadline, cleared_at=rc.cleared_at,
            time_to_clear_h=rc.time_to_clear_h, status=rc.status,
            vehicles="; ".join(f"{names.get(v, v)} ({v})" for v in worked)))
    return sorted(rows, key=lambda r: (r.contractor, r.priority, r.route))


ACT_HEADERS: Final = ("Подрядчик", "№ маршрута", "Маршрут", "Обработка", "Класс", "Длина, м",
                      "Убрано, м", "Частично, м", "Нет данных, м", "Не убрано, м", "Убрано, %",
                      "Норматив, ч", "Срок", "Убран", "Время уборки, ч", "Итог", "Техника")


COMPLETENESS_HEADERS: Final = ("Машина", "Подрядчик", "Отметок", "Смена с данными, %",
                                "Пропусков", "Самый долгий, мин", "Неверных", "Из будущего",
                                "Датчик", "Под подозрением")


def completeness_cells(row: VehicleCompleteness) -> list[Any]:
    """One machine's data completeness, cell by cell as ``COMPLETENESS_HEADERS`` names them."""
    return [row.name, row.contractor or "—", row.fixes, row.covered_pct, row.gaps,
            round(row.longest_gap_s / 60, 1), row.invalid, row.future,
            SENSOR_LABELS[row.sensor], "да" if row.suspect else "нет"]


def norms_text(report: StormReport) -> str:
    """``класс 1: 4 ч, класс 2: 6 ч, ...``: the norms the act was computed against."""
    return ", ".join(f"класс {p}: {decimal(h)} ч" for p, h in report.storm.norms().items())


def storm_about(report: StormReport, zone: tzinfo) -> list[tuple[str, Any]]:
    """What the act is about, as ``параметр;значение`` rows: the CSV's head, the machines'
    data completeness last (one row each)."""
    storm = report.storm
    return [("снегопад", f"№ {storm.id}: {storm.name}"),
            ("начало", local_text(storm.started_at, zone)),
            ("окончание снегопада", local_text(storm.snowfall_ended_at, zone) or "не объявлено"),
            ("сформировано", local_text(report.generated_at, zone)),
            ("нормативы", norms_text(report)),
            *result_about(report.result, zone),
            *((f"данные: {row.name}", "; ".join(
                f"{head.lower()}: {sheet_cell(cell)}" for head, cell in
                zip(COMPLETENESS_HEADERS[1:], completeness_cells(row)[1:], strict=True)))
              for row in report.completeness)]


def storm_csv(report: StormReport, zone: tzinfo) -> str:
    """The act for a spreadsheet: what it is about, then one row per route."""
    rows = ([r.contractor, r.route_id, r.route, TREATMENT_LABELS.get(r.treatment, r.treatment),
             r.priority, r.length_m, r.served_m, r.partial_m, r.unknown_m, r.not_served_m,
             r.served_pct, r.norm_h,
             local_text(r.deadline, zone), local_text(r.cleared_at, zone), r.time_to_clear_h,
             STATUS_LABELS[r.status], r.vehicles] for r in act_rows(report))
    return sheet_csv(ACT_HEADERS, rows, about=storm_about(report, zone))
