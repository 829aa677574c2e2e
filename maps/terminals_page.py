"""``/admin/terminals``: the terminal registry and commands to terminals, for admins.

One static page rendered at start-up; ``static/js/terminals.js`` fills it from
``/api/terminals`` and sends commands through ``POST /api/terminals/{id}/commands`` (with the
session's CSRF token), then follows each command until the terminal has answered. Every text
from the server is set as text, never as HTML.
"""

from __future__ import annotations

import html
from typing import Final

from egts_server.commands import COMMAND_CODES, FORMS_BY_PROTOCOL, STATUS_LABELS
from maps.live_map import TIME_ZONE
from maps.pages.chrome import app_page

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

def render_terminals_page(time_zone: str = TIME_ZONE) -> str:
    options = "".join(f'<option value="{name}">{html.escape(label)}</option>'
                      for name, label in COMMAND_LABELS.items())
    body = f"""<h1>Терминалы и команды</h1>
<p class="meta">Команды терминалам ЕГТС и Teltonika уходят, когда терминал на связи (или при
следующем входе; Teltonika — только текстом, после ответа на его данные); статус обновляется
сам. <a href="/admin/delivery">Ретрансляция</a></p>
<p class="error" data-error hidden></p>
<table data-terminals><thead><tr><th>№</th><th>Терминал</th><th>IMEI</th><th>Статус</th>
<th>ТС</th><th>Последний вход</th><th></th></tr></thead><tbody></tbody></table>
<section data-commands hidden>
<h2>Команды терминалу <span data-terminal-name></span></h2>
<form class="cmd" data-command-form>
<label>Вид<select name="kind">
<option value="text">Текстовая команда</option>
<option value="command">Стандартная команда</option>
<option value="parameter">Параметр</option></select></label>
<label data-for="text">Текст<input name="text" autocomplete="off"></label>
<label data-for="command" hidden>Команда<select name="command">{options}</select></label>
<label data-for="parameter" hidden>Код параметра<input name="parameter" placeholder="0x0262">
</label>
<label data-for="parameter" hidden>Действие<select name="action">
<option value="get">прочитать</option><option value="set">установить</option>
<option value="add">добавить</option><option value="delete">удалить</option></select></label>
<label data-for="parameter" hidden>Значение<input name="value" autocomplete="off"></label>
<label data-for="command" hidden>Данные (hex)<input name="hex" autocomplete="off"></label>
<label>Ждать терминал, ч<input name="ttl_h" type="number" min="0.1" max="168" step="0.1"
value="1"></label>
<button type="submit">Отправить</button>
<p class="error" data-form-error hidden></p>
</form>
<table data-history><thead><tr><th>№</th><th>Создана</th><th>Кем</th><th>Команда</th>
<th>Статус</th><th>Попыток</th><th>Ответ терминала</th><th></th></tr></thead><tbody></tbody>
</table>
</section>"""
    return app_page(title="Терминалы", active="", body_html=body, scripts=["terminals"],
                    config={"timeZone": time_zone, "statusLabels": dict(STATUS_LABELS),
                            "commandForms": dict(FORMS_BY_PROTOCOL)})
