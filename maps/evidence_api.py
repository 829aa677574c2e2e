"""``/api/evidence``: the exact fixes behind a credited pass, as GeoJSON or a spreadsheet.

``GET /api/evidence?vehicle=ID&from=&to=[&route=ID&version=N][&format=csv]`` answers every
stored fix of the vehicle from ``from`` to ``to`` inclusive (fix times are whole seconds, so a
pass's first and last fix bound exactly the fixes it was made of), each with the terminal that
sent it, when it arrived, the equipment state, the black-box flag and, given the route version,
the distance to that line. Coverage documents carry this link for every pass (``fixes_url``).

The CSV opens as is in Excel: UTF-8 with BOM, ``;`` between fields, Russian headers, times in
the city's zone with their offset.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any, Final
from urllib.parse import urlencode

from twisted.internet.defer import Deferred
from twisted.web.server import Request

from db import evidence as store
from db.standby import Interactions
from dispatch.local_time import local_text
from dispatch.sheets import sheet_csv
from maps.api import ApiError, JsonResource, Reply, parse_time
from maps.geojson import equipment_active

__all__ = ["EvidenceResource", "link_evidence"]

_NEVER: Final = datetime(1970, 1, 1, tzinfo=UTC)
CSV_HEADERS: Final = ("Время фиксации", "Время поступления", "Долгота", "Широта",
                      "Скорость, км/ч", "Курс, °", "Достоверна", "Спутники", "HDOP", "Входы",
                      "Оборудование", "Из чёрного ящика", "Терминал", "Машина", "Госномер",
                      "Подрядчик", "До маршрута, м")
_YES_NO: Final = {True: "да", False: "нет", None: ""}
_EQUIPMENT: Final = {True: "работает", False: "не работает", None: "нет данных"}


def link_evidence(document: dict[str, Any]) -> dict[str, Any]:
    """Add to every pass of every stretch the link that returns the fixes it was made of."""
    for feature in document.get("features", []):
        props = feature["properties"]
        for run in props.get("evidence", {}).get("passes", []):
            query = {"vehicle": run["vehicle_id"], "from": run["first_fix"],
                     "to": run["last_fix"], "route": props["route_id"]}
            if props.get("route_version") is not None:
                query["version"] = props["route_version"]
            run["fixes_url"] = "/api/evidence?" + urlencode(query)
    return document


def _integer(request: Request, name: str) -> int | None:
    raw = (request.args or {}).get(name.encode(), [b""])[0]
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as e:
        raise ApiError(400, f"'{name}' must be an integer", raw.decode("utf-8", "replace")) from e


def _gather(cur: Any, vehicle_id: int, start: datetime, end: datetime,
            route: tuple[int, int] | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    card = store.vehicle_card(cur, vehicle_id)
    if card is None:
        raise ApiError(404, "no such vehicle", vehicle_id)
    return card, store.evidence_fixes(cur, vehicle_id, start, end, route)


def _feature(fix: dict[str, Any], equipment: dict[str, Any]) -> dict[str, Any]:
    props = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in fix.items()
             if k not in ("longitude", "latitude")}
    props["equipment_active"] = equipment_active(equipment, fix["inputs"])
    return {"type": "Feature",
            "geometry": {"type": "Point", "coordinates": [fix["longitude"], fix["latitude"]]},
            "properties": props}


def _csv(card: dict[str, Any], fixes: list[dict[str, Any]], zone: tzinfo) -> str:
    return sheet_csv(CSV_HEADERS, ([
        local_text(f["fix_time"], zone, seconds=True),
        local_text(f["received_at"], zone, seconds=True),
        f["longitude"], f["latitude"], f["speed_kmh"], f["course_deg"], _YES_NO[f["valid"]],
        f["satellites"], f["hdop"], f["inputs"],
        _EQUIPMENT[equipment_active(card["equipment"], f["inputs"])],
        _YES_NO[f["black_box"]], f["terminal"], card["name"], card["plate"],
        card["contractor"], f["distance_m"]] for f in fixes))


class EvidenceResource(JsonResource):
    """The fixes of one vehicle in an interval, optionally measured against a route version."""

    def __init__(self, pool: Interactions, zone: tzinfo) -> None:
        super().__init__()
        self._pool, self._zone = pool, zone

    def get(self, request: Request) -> Deferred[Any]:
        if [p for p in (request.postpath or []) if p]:
            raise ApiError(404, "no such resource", request.uri.decode("utf-8", "replace"))
        vehicle_id = _integer(request, "vehicle")
        if vehicle_id is None:
            raise ApiError(400, "'vehicle' is required")
        start = parse_time(request, "from", _NEVER, self._zone)
        end = parse_time(request, "to", _NEVER, self._zone)
        if start == _NEVER or end == _NEVER or start > end:
            raise ApiError(400, "'from' and 'to' are required, 'from' not after 'to'")
        route_id, version = _integer(request, "route"), _integer(request, "version")
        route = (route_id, version) if route_id is not None and version is not None else None
        fmt = (request.args or {}).get(b"format", [b"geojson"])[0]
        if fmt not in (b"geojson", b"csv"):
            raise ApiError(400, "'format' must be geojson or csv")
        found: Deferred[tuple[dict[str, Any], list[dict[str, Any]]]] = \
            self._pool.runInteraction(_gather, vehicle_id, start, end, route)

        def answer(gathered: tuple[dict[str, Any], list[dict[str, Any]]]) -> Any:
            card, fixes = gathered
            if fmt == b"csv":
                name = f"fixes-{vehicle_id}-{start.astimezone(self._zone):%Y%m%d-%H%M%S}.csv"
                return Reply(200, _csv(card, fixes, self._zone), "text/csv; charset=utf-8",
                             name)
            return {"type": "FeatureCollection",
                    "vehicle": {k: card[k] for k in ("id", "name", "plate", "contractor")},
                    "route": None if route is None else {"id": route[0], "version": route[1]},
                    "from": start.isoformat(), "to": end.isoformat(), "count": len(fixes),
                    "features": [_feature(f, card["equipment"]) for f in fixes]}

        return found.addCallback(answer)
