"""``/storms``: storms in the browser; ``/storms/{id}``: a storm's act with its map.

The list page is rendered once at start-up; ``static/js/storms.js`` fills it from
``/api/storms`` and, for dispatchers, declares a storm and ends its snowfall through the same
API (with the session's CSRF token). The act is computed on request, exactly as
``glonass-dispatch report storm`` computes it, and rendered by ``maps.pages.storm_report`` with a
bar that leads back here, to the act's CSV and to printing.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import Any

from twisted.enterprise import adbapi
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request

from dispatch.storms import DEFAULT_NORMS_H, StormReport
from maps.api.coverage import CoverageService
from maps.api.json_resource import ApiError
from maps.api.late_reply import gone
from maps.api.storms import storm_act
from maps.pages.chrome import EDITOR_ROLES, app_page
from maps.pages.plain import plain_page
from maps.pages.storm_report import ActLinks, render_storm_report

__all__ = ["StormsPages", "render_storms_page"]

Clock = Callable[[], datetime]
log = Logger()
MAX_ID_DIGITS = 18  # a storm id is a bigint: longer numbers name no storm

def _norm_fields() -> str:
    return "".join(
        f'<label>Норматив, класс {p}, ч<input name="norm{p}" type="number" min="0.5" '
        f'max="240" step="0.5" value="{h:g}" required></label>'
        for p, h in DEFAULT_NORMS_H.items())


def render_storms_page(time_zone: str) -> str:
    body = f"""<h1>Снегопады</h1>
<p class="meta">Диспетчер объявляет снегопад и его окончание; с окончания снегопада идёт
время уборки по нормативу класса улицы. Время — местное ({html.escape(time_zone)}).</p>
<p class="error" data-error hidden></p>
<table data-storms><thead><tr><th>№</th><th>Название</th><th>Начало</th>
<th>Конец снегопада</th><th>Окно отчёта закрыто</th><th>Нормативы</th><th></th></tr></thead>
<tbody></tbody></table>
<section data-end hidden>
<h2>Конец снегопада: <span data-end-name></span></h2>
<form class="cmd" data-end-form>
<label>Снегопад кончился<input name="snowfall_ended_at" type="datetime-local" required></label>
<label>Закрыть окно отчёта<input name="closed_at" type="datetime-local"></label>
<button type="submit">Сохранить</button><button type="button" data-end-cancel>Отмена</button>
</form></section>
<section data-declare hidden>
<h2>Объявить снегопад</h2>
<form class="cmd" data-declare-form>
<label>Название<input name="name" required maxlength="200" autocomplete="off"></label>
<label>Начало<input name="started_at" type="datetime-local" required></label>
<label>Конец снегопада (если уже)<input name="snowfall_ended_at" type="datetime-local"></label>
{_norm_fields()}
<label>Примечание<input name="notes" autocomplete="off"></label>
<button type="submit">Объявить</button>
</form>
<p class="error" data-form-error hidden></p></section>"""
    return app_page(title="Снегопады", active="storms", body_html=body, script="storms",
                    config={"timeZone": time_zone, "editorRoles": list(EDITOR_ROLES),
                            "stormsUrl": "/api/storms"})


class StormsPages(Resource):
    """``/storms`` (the list page) and ``/storms/{id}`` (the act)."""

    def __init__(self, page_html: str, pool: adbapi.ConnectionPool, service: CoverageService,
                 clock: Clock) -> None:
        super().__init__()
        self._page = page_html.encode("utf-8")
        self._act = StormActPage(pool, service, clock)

    def getChild(self, path: bytes, request: Request) -> Resource:  # noqa: N802
        return self if path == b"" else self._act

    def render_GET(self, request: Request) -> bytes:  # noqa: N802
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return self._page


class StormActPage(Resource):
    """One storm's act, computed now (its id is the path segment Twisted just consumed)."""

    isLeaf = True

    def __init__(self, pool: adbapi.ConnectionPool, service: CoverageService,
                 clock: Clock) -> None:
        super().__init__()
        self._pool, self._service, self._clock = pool, service, clock

    def render_GET(self, request: Request) -> Any:  # noqa: N802
        raw = (request.prepath or [b""])[-1]
        if [p for p in (request.postpath or []) if p] or not raw.isdigit() \
                or len(raw) > MAX_ID_DIGITS:
            return self._plain(request, 404, "Нет такого снегопада",
                               "<p>Такой страницы нет.</p>")
        storm_id = int(raw)
        d = storm_act(self._pool, self._service, self._clock, storm_id)
        d.addCallbacks(lambda report: self._write(request, report, storm_id),
                       lambda failure: self._fail(request, failure))
        return NOT_DONE_YET

    def _write(self, request: Request, report: StormReport, storm_id: int) -> None:
        if gone(request):
            return
        links = ActLinks(back="/storms", csv=f"/api/storms/{storm_id}/act?format=csv")
        page = render_storm_report(report, zone=self._service.zone, links=links)
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        request.setHeader(b"cache-control", b"no-store")
        request.write(page.encode("utf-8"))
        request.finish()

    def _fail(self, request: Request, failure: Failure) -> None:
        if gone(request):
            return
        if failure.check(ApiError) and failure.value.status == 404:  # type: ignore[union-attr]
            body = self._plain(request, 404, "Нет такого снегопада",
                               '<p>Снегопад не найден. <a href="/storms">К списку</a></p>')
        else:
            log.failure("storm act failed", failure)
            body = self._plain(request, 503, "Акт не сформирован",
                               "<p>База данных недоступна, повторите позже.</p>")
        request.write(body)
        request.finish()

    @staticmethod
    def _plain(request: Request, status: int, title: str, body_html: str) -> bytes:
        request.setResponseCode(status)
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return plain_page(title, body_html)
