"""``/admin/delivery``: the retranslation console, per upstream and vehicle (admins only).

What an RNIS compliance dispute needs on one page: is the upstream connected, since when,
why not; per vehicle the OID it is sent under, how many fixes wait, how long the oldest has
waited (lag), and how many records were written, confirmed and refused (the acknowledgement
rate) with the last refusal code. Figures come straight from PostGIS, so the page is right
whichever ``serve`` process feeds the upstream. ``?format=json`` gives the same as JSON.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any, Final

from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request

from db.retranslation import UpstreamDelivery, VehicleDelivery, delivery_report
from db.standby import Interactions
from dispatch.local_time import local_text
from maps.api.late_reply import write_body, write_unavailable
from maps.pages.chrome import app_page

Clock = Callable[[], datetime]
#: The name of an upstream's result code (``153`` → ``ID_NFOUND``), ``None`` for an unknown one;
#: the application root passes the protocol's table, which ``maps`` does not import.
CodeNamer = Callable[[int], str | None]
log = Logger()
REFRESH_S: Final = 15

STATES: Final = {
    "logged_in": "подключено, вход выполнен",
    "connecting": "подключение",
    "disconnected": "нет связи",
    "refused": "вход отклонён",
    "idle": "ещё не запускался",
    "not configured": "нет в конфигурации",
}

def duration(seconds: float) -> str:
    """``45 с``, ``12 мин 05 с``, ``3 ч 07 мин``: compact Russian durations."""
    s = int(round(seconds))
    if s < 60:
        return f"{s} с"
    if s < 3600:
        return f"{s // 60} мин {s % 60:02d} с"
    return f"{s // 3600} ч {s % 3600 // 60:02d} мин"


def _time(t: datetime | None, zone: tzinfo) -> str:
    return local_text(t, zone, seconds=True) or "—"


def _code(code: int | None, name_code: CodeNamer) -> str:
    if code is None:
        return "—"
    name = name_code(code)
    return str(code) if name is None else f"{code} ({name})"


def _state_class(state: str) -> str:
    return {"logged_in": "ok", "refused": "bad", "disconnected": "bad"}.get(state, "warn")


def _vehicle_row(v: VehicleDelivery, now: datetime, zone: tzinfo, name_code: CodeNamer) -> str:
    ratio = v.ack_ratio
    lag = v.lag_s(now)
    cells = [
        f"{v.vehicle_id} · {html.escape(v.vehicle_name or '?')}",
        "—" if v.oid is None else str(v.oid),
        str(v.backlog),
        duration(lag) if v.backlog else "—",
        str(v.sent), str(v.delivered), str(v.refused),
        "—" if ratio is None else f"{ratio:.1%}",
        _code(v.last_result, name_code), _time(v.last_fix_time, zone),
        _time(v.last_delivered_at, zone),
    ]
    numeric = {2, 3, 4, 5, 6, 7}
    lag_class = " bad" if lag > 300 else ""
    return "<tr>" + "".join(
        f'<td class="n{lag_class if i == 3 else ""}">{c}</td>' if i in numeric else f"<td>{c}</td>"
        for i, c in enumerate(cells)) + "</tr>"


_VEHICLE_HEAD: Final = ("ТС", "OID", "В очереди", "Задержка", "Отправлено записей",
                        "Подтверждено", "Отклонено", "Доля подтверждений",
                        "Последний код отказа", "Последняя доставленная точка",
                        "Время доставки")


def _upstream_section(u: UpstreamDelivery, now: datetime, zone: tzinfo,
                      name_code: CodeNamer) -> str:
    backlog = sum(v.backlog for v in u.vehicles)
    worst = max((v.lag_s(now) for v in u.vehicles), default=0.0)
    state = STATES.get(u.state, u.state)
    lines = [
        f"<h2>{html.escape(u.name)} <small>({html.escape(u.address)})</small></h2>",
        f'<p class="meta">Состояние: <b class="{_state_class(u.state)}">{html.escape(state)}</b>'
        f" с {_time(u.state_at, zone)}"
        + (f" — {html.escape(u.state_detail)}" if u.state_detail else "")
        + f"<br>Последний вход: {_time(u.last_login_at, zone)}; отправляет процесс:"
        f" {html.escape(u.lease_owner or '—')}"
        + ("" if u.enabled else "; <b>отключён</b>")
        + f"<br>В очереди всего: {backlog} точек; наибольшая задержка: {duration(worst)}</p>",
    ]
    if not u.vehicles:
        lines.append("<p>Ещё нет ни одной точки для этого получателя.</p>")
        return "\n".join(lines)
    head = "".join(f"<th>{h}</th>" for h in _VEHICLE_HEAD)
    rows = "\n".join(_vehicle_row(v, now, zone, name_code) for v in u.vehicles)
    lines.append(f"<table><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>")
    return "\n".join(lines)


def render_delivery_page(report: Sequence[UpstreamDelivery], now: datetime,
                         zone: tzinfo, name_code: CodeNamer) -> str:
    sections = [_upstream_section(u, now, zone, name_code) for u in report]
    if not sections:
        sections = ["<p>Ретрансляция не настроена: добавьте <code>[[retranslator.upstreams]]"
                    "</code> в конфигурацию.</p>"]
    body = f"""<h1>Ретрансляция данных (ЕГТС)</h1>
<p class="meta">Сформировано {_time(now, zone)}; страница обновляется каждые {REFRESH_S} с.
Задержка — сколько ждёт самая старая ещё не подтверждённая точка.</p>
{"".join(sections)}"""
    return app_page(title="Ретрансляция", active="delivery", body_html=body,
                    refresh_s=REFRESH_S)


def report_json(report: Sequence[UpstreamDelivery], now: datetime) -> list[dict[str, Any]]:
    def t(x: datetime | None) -> str | None:
        return None if x is None else x.isoformat()

    return [{
        "name": u.name, "address": u.address, "enabled": u.enabled, "state": u.state,
        "state_detail": u.state_detail, "state_at": t(u.state_at), "lease_owner": u.lease_owner,
        "last_login_at": t(u.last_login_at),
        "vehicles": [{
            "vehicle_id": v.vehicle_id, "name": v.vehicle_name, "oid": v.oid,
            "backlog": v.backlog, "lag_s": round(v.lag_s(now), 1), "sent": v.sent,
            "delivered": v.delivered, "refused": v.refused, "ack_ratio": v.ack_ratio,
            "last_result": v.last_result, "last_refused_at": t(v.last_refused_at),
            "last_fix_time": t(v.last_fix_time), "last_delivered_at": t(v.last_delivered_at),
        } for v in u.vehicles],
    } for u in report]


class DeliveryPage(Resource):
    """The console; the access gate has already admitted only admins under ``/admin``."""

    isLeaf = True

    def __init__(self, pool: Interactions, clock: Clock, zone: tzinfo,
                 name_code: CodeNamer) -> None:
        super().__init__()
        self._pool, self._clock, self._zone, self._name_code = pool, clock, zone, name_code

    def render_GET(self, request: Request) -> int:  # noqa: N802 (Twisted's name)
        as_json = request.args.get(b"format", [b""])[0] == b"json"
        d = self._pool.runInteraction(delivery_report)
        d.addCallbacks(lambda report: self._write(request, report, as_json),
                       lambda failure: self._fail(request, failure))
        return NOT_DONE_YET

    def _write(self, request: Request, report: list[UpstreamDelivery], as_json: bool) -> None:
        now = self._clock()
        if as_json:
            body = json.dumps(report_json(report, now), ensure_ascii=False)
            content_type = b"application/json; charset=utf-8"
        else:
            body = render_delivery_page(report, now, self._zone, self._name_code)
            content_type = b"text/html; charset=utf-8"
        write_body(request, body.encode("utf-8"),
                   {b"content-type": content_type, b"cache-control": b"no-store"})

    def _fail(self, request: Request, failure: Failure) -> None:
        log.failure("delivery console failed", failure)
        write_unavailable(request, "База данных недоступна, повторите позже.\n")
