"""``/api/storms``: storms as dispatchers declare and end them, and each storm's act.

- ``GET /api/storms``: every storm, newest first; ``GET /api/storms/{id}``: one storm;
- ``POST /api/storms``: declare one (``name``, ``started_at``, optional ``snowfall_ended_at``,
  ``norms_h`` as ``{"1": 4, ...}`` hours per priority class, ``notes``);
- ``POST /api/storms/{id}/end``: the snowfall ended (``snowfall_ended_at``, default now) and,
  with ``closed_at``, the reporting window closes too;
- ``GET /api/storms/{id}/<view>``: the storm room's views mounted by the site
  (``clock``: ``maps.storm_room``);
- ``GET /api/storms/{id}/act``: the act (time-to-clear per route against the norm, per
  contractor) as JSON, ``?format=csv`` as a CSV for a Russian spreadsheet. It is computed the
  way ``glonass-dispatch report storm`` computes it, so both give the same numbers.

Times in a body are ISO 8601; without an offset they are the city's wall time. Writes are
recorded in the audit trail as made by the signed-in dispatcher.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThread
from twisted.web.server import Request

from db import coverage as coverage_db
from db import storms as store
from dispatch.coverage import CoverageResult
from dispatch.coverage_json import iso
from dispatch.data_completeness import data_completeness
from dispatch.equipment import VehicleInfo
from dispatch.fixes import FixArrays
from dispatch.local_time import file_stamp, parse_local
from dispatch.reports import STATUS_LABELS, act_rows, storm_csv
from dispatch.storms import DEFAULT_NORMS_H, Storm, StormReport, storm_report
from maps.actor import on_behalf_of
from maps.api import EARLIEST, LATEST, ApiError, JsonResource, Reply, read_json_object
from maps.coverage_api import CoverageService

__all__ = ["StormsResource", "machines_in_window", "storm_act", "storm_view"]

Clock = Callable[[], datetime]
#: A read-only view of one storm: the request and the storm id in, the reply out.
StormView = Callable[[Request, int], Deferred[Any]]
MAX_NAME = 200
SNOWFALL_BEFORE_START = "снегопад не может кончиться раньше начала"


def storm_view(storm: Storm) -> dict[str, Any]:
    return {"id": storm.id, "name": storm.name, "started_at": iso(storm.started_at),
            "snowfall_ended_at": iso(storm.snowfall_ended_at), "closed_at": iso(storm.closed_at),
            "norms_h": {str(k): v for k, v in storm.norms_h.items()},
            "norms_in_effect_h": {str(k): v for k, v in storm.norms().items()},
            "notes": storm.notes}


def storm_act(pool: adbapi.ConnectionPool, service: CoverageService, clock: Clock,
              storm_id: int) -> Deferred[StormReport]:
    """The storm's act as of now: coverage over the storm's window, judged against its norms,
    with each machine's data completeness over the window."""
    found: Deferred[Storm | None] = pool.runInteraction(store.get_storm, storm_id)

    def compute(storm: Storm | None) -> Deferred[StormReport]:
        if storm is None:
            raise ApiError(404, "нет такого снегопада", storm_id)
        now = clock()
        start, end = storm.window(now)

        def with_completeness(result: CoverageResult) -> Deferred[StormReport]:
            read: Deferred[Any] = pool.runInteraction(machines_in_window, start, end)
            return read.addCallback(lambda found: deferToThread(
                lambda: storm_report(storm, result, now, data_completeness(
                    found[0], found[1], (start, end), now))))

        return service.coverage(start, end).addCallback(  # type: ignore[return-value]
            with_completeness)

    return found.addCallback(compute)  # type: ignore[return-value]


def machines_in_window(cur: Any, start: datetime, end: datetime
                       ) -> tuple[FixArrays, dict[int, VehicleInfo]]:
    """Every fix of the window and the vehicles: what data completeness is judged on."""
    return coverage_db.fixes_for_coverage(cur, start, end), coverage_db.vehicle_infos(cur)


def act_document(report: StormReport) -> dict[str, Any]:
    """The act's numbers as JSON (times ISO 8601 with offset)."""
    return {
        "storm": storm_view(report.storm), "generated_at": iso(report.generated_at),
        "from": iso(report.result.window_from), "to": iso(report.result.window_to),
        "routes": [{"contractor": r.contractor, "route_id": r.route_id, "route": r.route,
                    "priority": r.priority, "length_m": r.length_m, "served_pct": r.served_pct,
                    "norm_h": r.norm_h, "deadline": iso(r.deadline),
                    "cleared_at": iso(r.cleared_at), "time_to_clear_h": r.time_to_clear_h,
                    "status": r.status, "status_label": STATUS_LABELS[r.status],
                    "vehicles": r.vehicles} for r in act_rows(report)],
        "contractors": [{"contractor": c.contractor, "routes": c.routes,
                         "within_norm": c.within_norm, "late": c.late, "overdue": c.overdue,
                         "pending": c.pending, "unknown": c.unknown,
                         "within_norm_pct": c.within_norm_pct,
                         "median_time_to_clear_h": c.median_time_to_clear_h,
                         "p90_time_to_clear_h": c.p90_time_to_clear_h}
                        for c in report.contractors],
    }


def _moment(body: dict[str, Any], name: str, zone: tzinfo, *,
            required: bool = False) -> datetime | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise ApiError(400, f"{name}: укажите время", {"field": name})
        return None
    if not isinstance(value, str):
        raise ApiError(400, f"{name}: время строкой ISO 8601", {"field": name})
    try:
        moment = parse_local(value, zone)
        in_range = EARLIEST <= moment < LATEST
    except (ValueError, OverflowError) as e:
        raise ApiError(400, f"{name}: время в формате ISO 8601, например 2026-12-05T08:00",
                       {"field": name}) from e
    if not in_range:
        raise ApiError(400, f"{name}: время между 2000 и 2100 годом", {"field": name})
    return moment


def _norms(raw: Any) -> dict[int, float]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ApiError(400, "norms_h: объект {класс: часы}", {"field": "norms_h"})
    norms: dict[int, float] = {}
    for key, hours in raw.items():
        if str(key) not in {str(p) for p in DEFAULT_NORMS_H} or isinstance(hours, bool) \
                or not isinstance(hours, int | float):
            raise ApiError(400, f"norms_h: класс {key}: часы числом; классы "
                                f"{', '.join(map(str, DEFAULT_NORMS_H))}", {"field": "norms_h"})
        if not (math.isfinite(hours) and hours > 0):
            raise ApiError(400, f"norms_h: класс {key}: положительное число часов",
                           {"field": "norms_h"})
        norms[int(key)] = float(hours)
    return norms


def _declared(body: dict[str, Any], zone: tzinfo) -> Storm:
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise ApiError(400, f"name: название от 1 до {MAX_NAME} знаков", {"field": "name"})
    notes = body.get("notes") or ""
    if not isinstance(notes, str):
        raise ApiError(400, "notes: текст", {"field": "notes"})
    started = _moment(body, "started_at", zone, required=True)
    assert started is not None  # required
    snowfall_end = _moment(body, "snowfall_ended_at", zone)
    if snowfall_end is not None and snowfall_end < started:
        raise ApiError(400, SNOWFALL_BEFORE_START, {"field": "snowfall_ended_at"})
    return Storm(id=None, name=name.strip(), started_at=started, snowfall_ended_at=snowfall_end,
                 norms_h=_norms(body.get("norms_h")), notes=notes)


def _create(cur: Any, storm: Storm) -> Storm:
    new_id = store.create_storm(cur, storm.name, storm.started_at, storm.snowfall_ended_at,
                                norms_h=storm.norms_h, notes=storm.notes)
    created = store.get_storm(cur, new_id)
    assert created is not None  # inserted just now, in this transaction
    return created


def _end(cur: Any, storm_id: int, snowfall_end: datetime, closed_at: datetime | None) -> Storm:
    storm = store.get_storm(cur, storm_id)
    if storm is None:
        raise ApiError(404, "нет такого снегопада", storm_id)
    if snowfall_end < storm.started_at:
        raise ApiError(400, SNOWFALL_BEFORE_START, {"field": "snowfall_ended_at"})
    if closed_at is not None and closed_at < snowfall_end:
        raise ApiError(400, "окно отчёта не может закрыться раньше конца снегопада",
                       {"field": "closed_at"})
    store.end_snowfall(cur, storm_id, snowfall_end, closed_at)
    ended = store.get_storm(cur, storm_id)
    assert ended is not None
    return ended


class StormsResource(JsonResource):
    def __init__(self, pool: adbapi.ConnectionPool, service: CoverageService,
                 clock: Clock, views: Mapping[str, StormView] | None = None) -> None:
        super().__init__()
        self._pool, self._service, self._clock = pool, service, clock
        self._views = dict(views or {})

    def _path(self, request: Request) -> tuple[int | None, str | None]:
        rest = [p.decode("utf-8", "replace") for p in (request.postpath or []) if p]
        if len(rest) > 2 or (len(rest) == 2 and rest[1] not in ("end", "act", *self._views)):
            raise ApiError(404, "no such resource", request.uri.decode("utf-8", "replace"))
        if not rest:
            return None, None
        try:
            storm_id = int(rest[0])
        except ValueError as e:
            raise ApiError(400, "id must be an integer", rest[0]) from e
        return storm_id, rest[1] if len(rest) == 2 else None

    def get(self, request: Request) -> Deferred[Any]:
        storm_id, sub = self._path(request)
        if storm_id is None:
            storms: Deferred[list[Storm]] = self._pool.runInteraction(store.list_storms)
            return storms.addCallback(lambda found: [storm_view(s) for s in found])
        if sub == "act":
            return self._act(request, storm_id)
        if sub in self._views:
            return self._views[sub](request, storm_id)
        if sub is not None:
            raise ApiError(405, "POST /api/storms/{id}/end")
        one: Deferred[Storm | None] = self._pool.runInteraction(store.get_storm, storm_id)

        def found(storm: Storm | None) -> dict[str, Any]:
            if storm is None:
                raise ApiError(404, "нет такого снегопада", storm_id)
            return storm_view(storm)

        return one.addCallback(found)

    def _act(self, request: Request, storm_id: int) -> Deferred[Any]:
        as_csv = (request.args or {}).get(b"format", [b""])[0] == b"csv"
        zone = self._service.zone

        def reply(report: StormReport) -> Any:
            if not as_csv:
                return act_document(report)
            name = f"storm-{storm_id}-act-{file_stamp(report.generated_at, zone)}.csv"
            return Reply(200, storm_csv(report, zone), "text/csv; charset=utf-8", name)

        return storm_act(self._pool, self._service, self._clock, storm_id).addCallback(reply)

    def post(self, request: Request) -> Deferred[Any]:
        storm_id, sub = self._path(request)
        zone = self._service.zone
        body = read_json_object(request)
        if storm_id is None:
            storm = _declared(body, zone)
            created: Deferred[Storm] = self._pool.runInteraction(
                on_behalf_of(request, _create), storm)
            return created.addCallback(lambda s: Reply(201, storm_view(s)))
        if sub != "end":
            raise ApiError(405, "POST /api/storms or /api/storms/{id}/end")
        snowfall_end = _moment(body, "snowfall_ended_at", zone) or self._clock()
        closed_at = _moment(body, "closed_at", zone)
        ended: Deferred[Storm] = self._pool.runInteraction(
            on_behalf_of(request, _end), storm_id, snowfall_end, closed_at)
        return ended.addCallback(storm_view)
