"""Coverage results for people: a CSV for Russian spreadsheets and a table for the console.

Both show times on the city's clock (the zone is a parameter) and states in Russian; the
machine formats (GeoJSON, JSON) are ``dispatch.coverage_json``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from typing import Any, Final

from dispatch.coverage import STATES, CoverageResult
from dispatch.local_time import local_text
from dispatch.sheets import decimal, flat_parameters, sheet_csv

__all__ = ["CSV_HEADERS", "REASON_LABELS", "STATE_LABELS", "coverage_csv", "coverage_table",
           "result_about"]

STATE_LABELS: Final = {"served": "убрано", "partial": "частично", "not_served": "не убрано",
                       "unknown": "нет данных"}
#: Why a stretch has no verdict (``UnknownReason`` labels).
REASON_LABELS: Final = {"gap": "разрыв в данных машины над этим участком",
                        "unconfirmed": "проходы машин без датчика оборудования",
                        "offline": "закреплённая техника не выходила на связь"}
CSV_HEADERS: Final = ("№ маршрута", "Маршрут", "Версия маршрута", "Подрядчик", "Класс",
                      "Участок", "От, м", "До, м",
                      "Длина, м", "Состояние", "Причина", "Проходов по направлению",
                      "Проходов против", "Требуется проходов", "Первый проход",
                      "Последний проход", "Убран", "Техника", "Проходов всего")


def result_about(result: CoverageResult, zone: tzinfo) -> list[tuple[str, Any]]:
    """The window and parameters of a result as ``параметр;значение`` rows."""
    return [("окно с", local_text(result.window_from, zone)),
            ("окно по", local_text(result.window_to, zone)),
            ("рассчитано", local_text(result.computed_at, zone)),
            ("версии маршрутов", ", ".join(f"{rc.route.id} v{rc.route.version}"
                                           for rc in result.routes
                                           if rc.route.version is not None) or "не сохранены"),
            *flat_parameters(result.params.to_dict())]


def _rows(result: CoverageResult, zone: tzinfo) -> Iterable[list[Any]]:
    for rc in result.routes:
        for s in rc.stretches:
            yield [rc.route.id, rc.route.name, rc.route.version, rc.route.contractor or "",
                   rc.route.priority,
                   s.index, round(s.m_from, 1), round(s.m_to, 1), round(s.length_m, 1),
                   STATE_LABELS.get(s.state, s.state),
                   REASON_LABELS.get(s.reason, s.reason) if s.reason else "",
                   s.passes[0], s.passes[1], rc.route.passes_required,
                   local_text(s.first_service, zone), local_text(s.last_service, zone),
                   local_text(s.cleared_at, zone), " ".join(str(v) for v in s.vehicles),
                   s.runs_total]


def coverage_csv(result: CoverageResult, zone: tzinfo) -> str:
    """One row per stretch under the window and parameters."""
    return sheet_csv(CSV_HEADERS, _rows(result, zone), about=result_about(result, zone))


def coverage_table(result: CoverageResult, zone: tzinfo) -> str:
    """One line per route, then the total."""
    head = (f"{'№':>5}  {'маршрут':<32} {'км':>7} {'убрано':>7} {'частич.':>7} "
            f"{'нет д.':>7} {'не убр.':>7}  убран")
    lines = [f"уборка с {local_text(result.window_from, zone)} "
             f"по {local_text(result.window_to, zone)}", head, "-" * len(head)]
    for rc in result.routes:
        pct = {s: 100 * rc.state_m[s] / rc.length_m if rc.length_m else 0.0 for s in STATES}
        lines.append(f"{rc.route.id or 0:>5}  {rc.route.name[:32]:<32} "
                     f"{decimal(rc.length_m / 1000, 2):>7} {decimal(pct['served'], 1):>6}% "
                     f"{decimal(pct['partial'], 1):>6}% {decimal(pct['unknown'], 1):>6}% "
                     f"{decimal(pct['not_served'], 1):>6}%  "
                     f"{local_text(rc.cleared_at, zone) or '-'}")
    t = result.totals()
    lines.append("-" * len(head))
    lines.append(f"{'':>5}  {'всего':<32} {decimal(t['length_m'] / 1000, 2):>7} "
                 f"{decimal(t['served_pct'], 1):>6}%")
    return "\n".join(lines) + "\n"
