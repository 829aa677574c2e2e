"""``/admin/audit``: the audit trail for admins, with filters and a CSV download.

One static page rendered at start-up; ``static/js/audit.js`` reads ``/api/audit`` with the
filters and builds the download link (``format=csv``). Times are the city's, as typed and as
shown. Server texts are set as text only.
"""

from __future__ import annotations

import html

from maps.api.audit_export import ACTION_LABELS, KIND_LABELS
from maps.pages.chrome import ROLE_LABELS, app_page
from maps.pages.live_map import TIME_ZONE


def _options(labels: dict[str, str]) -> str:
    return '<option value="">все</option>' + "".join(
        f'<option value="{name}">{html.escape(label)}</option>' for name, label in labels.items())


def render_audit_page(time_zone: str = TIME_ZONE) -> str:
    body = f"""<h1>Журнал действий</h1>
<p class="meta">Кто, когда и откуда менял маршруты, отметки, технику, терминалы, команды и
учётные записи, и входы в систему. Журнал только дополняется.
<a href="/admin/users">Пользователи</a></p>
<form class="cmd" data-filters>
<label>С<input name="from" type="datetime-local"></label>
<label>По<input name="to" type="datetime-local"></label>
<label>Кто<input name="who" autocomplete="off" placeholder="логин"></label>
<label>Объект<select name="kind">{_options(KIND_LABELS)}</select></label>
<label>Действие<select name="action">{_options(ACTION_LABELS)}</select></label>
<button type="submit">Показать</button>
<a data-csv download>Скачать CSV</a>
</form>
<p class="error" data-error hidden></p>
<p class="meta" data-count></p>
<table data-audit><thead><tr><th>Время</th><th>Кто</th><th>Роль</th><th>Адрес</th>
<th>Действие</th><th>Объект</th><th>Идентификатор</th><th>Изменения</th></tr></thead>
<tbody></tbody></table>"""
    return app_page(title="Журнал действий", active="", body_html=body, script="audit",
                    config={"timeZone": time_zone, "roles": ROLE_LABELS})
