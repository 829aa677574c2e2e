"""``/events``: the alerts the server raised, for dispatchers and auditors.

One static page rendered at start-up; ``static/js/events.js`` fills it from ``/api/alerts``
with the chosen filters (kind, vehicle, time range, only unacknowledged) and, for dispatchers,
acknowledges an alert through the same API with the session's CSRF token.
"""

from __future__ import annotations

import html

from dispatch.alerts import KIND_LABELS
from maps.pages.chrome import EDITOR_ROLES, app_page

__all__ = ["render_events_page"]


def render_events_page(time_zone: str) -> str:
    kinds = "".join(f'<option value="{html.escape(k)}">{html.escape(label)}</option>'
                    for k, label in KIND_LABELS.items())
    body = f"""<h1>Тревоги</h1>
<p class="meta">Сервер проверяет технику раз в минуту; тревога одна, пока условие держится.
Время — местное: {html.escape(time_zone)}, <span data-offset></span>.</p>
<form class="cmd" data-filter>
<label>Вид<select name="kind"><option value="">все</option>{kinds}</select></label>
<label>Машина<select name="vehicle"><option value="">все</option></select></label>
<label>С<input name="from" type="datetime-local"></label>
<label>По<input name="to" type="datetime-local"></label>
<label>Только неподтверждённые<input name="unacknowledged" type="checkbox"></label>
<button type="submit">Показать</button>
</form>
<p class="error" data-error hidden></p>
<p class="meta">Неподтверждённых: <strong data-unacknowledged>…</strong></p>
<table data-alerts><thead><tr><th>Обнаружена</th><th>Тревога</th><th>Машина, маршрут</th>
<th>Началось</th><th>Состояние</th><th>Подробности</th><th>Подтверждение</th></tr></thead>
<tbody></tbody></table>"""
    return app_page(title="Тревоги", active="events", body_html=body, script="events",
                    config={"timeZone": time_zone, "editorRoles": list(EDITOR_ROLES),
                            "alertsUrl": "/api/alerts", "vehiclesUrl": "/api/vehicles"})
