"""``/admin/terminals``: the terminal registry and commands to terminals, for admins.

One static page rendered at start-up; ``static/js/terminals.js`` fills it from
``/api/terminals`` (with a search over the rows), registers, fits to a vehicle and removes
terminals through the same API, and sends commands through
``POST /api/terminals/{id}/commands`` (with the session's CSRF token), then follows each
command until the terminal has answered. Every text from the server is set as text, never as
HTML; a refused field's message is shown next to that field.
"""

from __future__ import annotations

from typing import Final

from dispatch.registry_input import PROTOCOL_NAMES
from egts_server.commands import COMMAND_CODES, FORMS_BY_PROTOCOL, STATUS_LABELS
from maps.pages.chrome import app_page
from maps.pages.forms import field, select
from maps.pages.live_map import TIME_ZONE

#: What each standard command is called on the page (the API takes the names on the left).
COMMAND_LABELS: Final = {
    "get_state": "Запрос состояния",
    "get_position": "Запрос местоположения",
    "get_sensors": "Запрос входов и датчиков",
    "get_outputs": "Запрос состояния выходов",
    "get_counters": "Запрос счётчиков",
    "get_loop_inputs": "Запрос шлейфовых входов",
    "output_on": "Включить выходы (маска в hex)",
    "output_off": "Выключить выходы (маска в hex)",
    "reset_odometer": "Обнулить одометр",
    "restart": "Перезагрузка",
    "config_reset": "Сброс настроек",
    "test_mode": "Режим тестирования",
    "set_auth_code": "Установить код авторизации (hex)",
    "raw_data": "Произвольные данные (hex)",
}
assert set(COMMAND_LABELS) == set(COMMAND_CODES), "every standard command has a label"

#: Which kind of command each field of the command form belongs to (others: to every kind).
COMMAND_FIELD_KINDS = {"text": "text", "command": "command", "hex": "command",
                       "parameter": "parameter", "action": "parameter", "value": "parameter"}


def command_form() -> str:
    """The form that queues a command; its field names are the API's (``ttl_s`` in hours)."""
    fields = "".join((
        select("kind", "Вид", (("text", "Текстовая команда"), ("command", "Стандартная команда"),
                               ("parameter", "Параметр"))),
        field("text", "Текст", attrs='autocomplete="off"'),
        select("command", "Команда", COMMAND_LABELS.items()),
        field("parameter", "Код параметра", attrs='placeholder="0x0262" autocomplete="off"'),
        select("action", "Действие", (("get", "прочитать"), ("set", "установить"),
                                      ("add", "добавить"), ("delete", "удалить"))),
        field("value", "Значение", attrs='autocomplete="off"'),
        field("hex", "Данные (hex)", attrs='autocomplete="off"'),
        field("ttl_s", "Ждать терминал, ч", kind="number",
              attrs='min="0.1" max="168" step="0.1" value="1"'),
    ))
    return (f'<form class="cmd gd-form" data-command-form novalidate>{fields}'
            '<button type="submit">Отправить</button>'
            '<p class="error" data-form-error hidden></p></form>')


def render_terminals_page(time_zone: str = TIME_ZONE) -> str:
    add_fields = "".join((
        select("protocol", "Протокол", PROTOCOL_NAMES.items()),
        field("identifier", "Идентификатор (ТИД, IMEI, id)", attrs='autocomplete="off"'),
        field("imei", "IMEI (если есть)", attrs='autocomplete="off" inputmode="numeric"'),
        select("vehicle_id", "Машина", [("", "— без машины —")]),
    ))
    body = f"""<h1>Терминалы и команды</h1>
<p class="meta">Команды терминалам ЕГТС и Teltonika уходят, когда терминал на связи (или при
следующем входе; Teltonika — только текстом, после ответа на его данные); статус обновляется
сам. <a href="/admin/vehicles">Машины</a> ·
<a href="/admin/delivery">Ретрансляция</a></p>
<p class="error" data-page-error hidden></p>
<h2>Новый терминал</h2>
<form class="cmd gd-form" data-terminal-form novalidate>{add_fields}
<button type="submit">Зарегистрировать</button>
<p class="error" data-terminal-form-error hidden></p>
</form>
<label class="search">Поиск <input type="search" data-search autocomplete="off"
placeholder="идентификатор, IMEI или машина"></label>
<span class="meta" data-count></span>
<table data-terminals><thead><tr><th>№</th><th>Терминал</th><th>IMEI</th><th>Статус</th>
<th>ТС</th><th>Последний вход</th><th>Последний адрес</th><th></th></tr></thead>
<tbody></tbody></table>
<section data-commands hidden>
<h2>Команды терминалу <span data-terminal-name></span></h2>
{command_form()}
<table data-history><thead><tr><th>№</th><th>Создана</th><th>Кем</th><th>Команда</th>
<th>Статус</th><th>Попыток</th><th>Ответ терминала</th><th></th></tr></thead><tbody></tbody>
</table>
</section>"""
    return app_page(title="Терминалы", active="", body_html=body,
                    script="terminals",
                    config={"timeZone": time_zone, "statusLabels": dict(STATUS_LABELS),
                            "commandFieldKinds": COMMAND_FIELD_KINDS,
                            "commandForms": dict(FORMS_BY_PROTOCOL)})
