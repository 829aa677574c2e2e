"""``/api/alerts``: the alerts the server's alert job raised, and their acknowledgement.

- ``GET /api/alerts?kind=a,b&vehicle=ID&route=ID&from=&to=&acknowledged=yes|no&limit=N``:
  alerts raised
  in ``[from, to)`` (ISO 8601; without an offset, the city's time), newest first, as GeoJSON
  Features (no geometry for a vehicle never heard of), each about a vehicle, a route or both,
  with ``unacknowledged``, the count the live map's badge shows, and ``kinds``, every kind
  with its Russian label;
- ``POST /api/alerts/{id}/ack``: the signed-in dispatcher acknowledges it (again: no change);
  the audit trail records who and when.

``/api/events`` stays what it was: the events of a shift computed on request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any, Final

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.web.server import Request

from db import alerts as store
from db.audit import acting
from dispatch.alerts import KIND_LABELS
from dispatch.coverage_json import iso
from maps.actor import request_actor
from maps.api import ApiError, JsonResource, parse_time, path_id_and_sub

__all__ = ["AlertsResource", "alert_feature"]

Clock = Callable[[], datetime]
MAX_LIMIT: Final = 2000
_YES_NO: Final = {b"yes": True, b"true": True, b"1": True, b"no": False, b"false": False,
                  b"0": False}


def alert_feature(alert: store.StoredAlert) -> dict[str, Any]:
    geometry = (None if alert.lon is None or alert.lat is None
                else {"type": "Point", "coordinates": [alert.lon, alert.lat]})
    return {"type": "Feature", "id": alert.id, "geometry": geometry,
            "properties": {"id": alert.id, "kind": alert.kind,
                           "label": KIND_LABELS.get(alert.kind, alert.kind),
                           "vehicle_id": alert.vehicle_id, "vehicle": alert.vehicle,
                           "route_id": alert.route_id, "route": alert.route,
                           "started_at": iso(alert.started_at), "raised_at": iso(alert.raised_at),
                           "seen_at": iso(alert.seen_at), "cleared_at": iso(alert.cleared_at),
                           "holding": alert.cleared_at is None,
                           "acknowledged_at": iso(alert.acknowledged_at),
                           "acknowledged_by": alert.acknowledged_by,
                           "details": alert.details}}


def _optional_time(request: Request, name: str, zone: tzinfo) -> datetime | None:
    if not (request.args or {}).get(name.encode(), [b""])[0]:
        return None
    return parse_time(request, name, datetime.min, zone)


def _id_arg(request: Request, name: str, whose: str) -> int | None:
    raw = (request.args or {}).get(name.encode(), [b""])[0]
    if raw and not (raw.isdigit() and len(raw) <= 18):
        raise ApiError(400, f"{name}: номер {whose} числом", raw.decode("utf-8", "replace"))
    return int(raw) if raw else None


def _filter(request: Request, zone: tzinfo) -> store.AlertFilter:
    args = request.args or {}
    kinds = [k for raw in args.get(b"kind", []) for k in raw.decode("utf-8", "replace")
             .split(",") if k]
    unknown = sorted(set(kinds) - set(KIND_LABELS))
    if unknown:
        raise ApiError(400, f"kind: неизвестный вид тревоги {unknown[0]!r}",
                       {"kinds": list(KIND_LABELS)})
    vehicle, route = _id_arg(request, "vehicle", "машины"), _id_arg(request, "route", "маршрута")
    acknowledged = args.get(b"acknowledged", [b""])[0]
    if acknowledged and acknowledged not in _YES_NO:
        raise ApiError(400, "acknowledged: yes или no", acknowledged.decode("utf-8", "replace"))
    limit = args.get(b"limit", [b"500"])[0]
    if not limit.isdigit() or int(limit) > MAX_LIMIT:
        raise ApiError(400, f"limit: число от 0 до {MAX_LIMIT}", limit.decode("utf-8", "replace"))
    since, until = _optional_time(request, "from", zone), _optional_time(request, "to", zone)
    if since is not None and until is not None and since > until:
        raise ApiError(400, "'from' is after 'to'", {"from": iso(since), "to": iso(until)})
    return store.AlertFilter(since=since, until=until, kinds=kinds or None,
                             vehicle_id=vehicle, route_id=route,
                             acknowledged=_YES_NO.get(acknowledged), limit=int(limit))


def _listed(cur: Any, where: store.AlertFilter) -> dict[str, Any]:
    alerts = store.list_alerts(cur, where)
    return {"type": "FeatureCollection", "features": [alert_feature(a) for a in alerts],
            "unacknowledged": store.unacknowledged(cur), "kinds": dict(KIND_LABELS)}


class AlertsResource(JsonResource):
    def __init__(self, pool: adbapi.ConnectionPool, clock: Clock, zone: tzinfo) -> None:
        super().__init__()
        self._pool, self._clock, self._zone = pool, clock, zone

    def get(self, request: Request) -> Deferred[Any]:
        alert_id, _ = path_id_and_sub(request, ())
        if alert_id is not None:
            raise ApiError(405, "GET /api/alerts, POST /api/alerts/{id}/ack")
        d: Deferred[Any] = self._pool.runInteraction(_listed, _filter(request, self._zone))
        return d

    def post(self, request: Request) -> Deferred[Any]:
        alert_id, sub = path_id_and_sub(request, ("ack",))
        if alert_id is None or sub != "ack":
            raise ApiError(405, "POST /api/alerts/{id}/ack")
        actor = request_actor(request)
        d: Deferred[store.StoredAlert | None] = self._pool.runInteraction(
            acting(actor, store.acknowledge), alert_id, actor.login or "", self._clock())

        def done(alert: store.StoredAlert | None) -> dict[str, Any]:
            if alert is None:
                raise ApiError(404, "нет такой тревоги", alert_id)
            return alert_feature(alert)

        return d.addCallback(done)
