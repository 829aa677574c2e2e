"""The act of work for a storm: one row per route (grouped by contractor), as data and as CSV.

This is what the road department pays against and what a contractor disputes, so each row says
what was measured (length per state), against what (the priority class's norm, the deadline),
the outcome (cleared when, time-to-clear, status) and who did it (the vehicles). The HTML
version with the map is ``maps.report_page``; both read the rows from here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from dispatch.coverage_json import iso
from dispatch.storms import StormReport

__all__ = ["ACT_COLUMNS", "ActRow", "STATUS_LABELS", "act_rows", "storm_csv"]

STATUS_LABELS = {"within_norm": "в норматив", "late": "с опозданием",
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
    deadline: str | None
    cleared_at: str | None
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
            norm_h=rc.norm_h, deadline=iso(rc.deadline), cleared_at=iso(rc.cleared_at),
            time_to_clear_h=rc.time_to_clear_h, status=rc.status,
            vehicles="; ".join(f"{names.get(v, v)} ({v})" for v in worked)))
    return sorted(rows, key=lambda r: (r.contractor, r.priority, r.route))


ACT_COLUMNS = ("contractor", "route_id", "route", "treatment", "priority", "length_m",
               "served_m", "partial_m", "unknown_m", "not_served_m", "served_pct", "norm_h",
               "deadline", "cleared_at", "time_to_clear_h", "status", "vehicles")


def storm_csv(report: StormReport) -> str:
    """The act as CSV; comment lines first name the storm, the norms and the parameters."""
    storm, result = report.storm, report.result
    out = io.StringIO()
    out.write(f"# storm {storm.id}: {storm.name}; start {iso(storm.started_at)}; snowfall end "
              f"{iso(storm.snowfall_ended_at) or 'not declared'}; window "
              f"{iso(result.window_from)} .. {iso(result.window_to)}\n")
    out.write(f"# norms (h by priority): {storm.norms()}; generated {iso(report.generated_at)}\n")
    out.write(f"# parameters: {result.params.to_dict()}\n")
    out.write("# route versions: " + ", ".join(f"{rc.route.id} v{rc.route.version}"
                                               for rc in result.routes) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ACT_COLUMNS)
    for row in act_rows(report):
        values: list[Any] = [getattr(row, c) for c in ACT_COLUMNS]
        writer.writerow(["" if v is None else v for v in values])
    return out.getvalue()
