"""``/admin/vehicles``: the fleet for admins: add, edit, remove (softly), find.

One static page rendered at start-up; ``static/js/vehicles.js`` fills it from ``/api/fleet``
and writes through the same API with the session's CSRF token. Each field of the form has its
own error slot (``maps.pages.forms``), where the server's refusal of that field is shown.
"""

from __future__ import annotations

from dispatch.registry_input import DRIVER_MAX, INPUTS_MAX, NAME_MAX, PLATE_MAX
from maps.pages.chrome import app_page
from maps.pages.forms import field, select
from maps.styles import KIND_STYLES

#: What each vehicle kind is called on the admin pages.
KIND_NAMES = {s.kind: s.label for s in KIND_STYLES}


def render_vehicles_page() -> str:
    form_fields = "".join((
        field("name", "Название", attrs=f'autocomplete="off" maxlength="{NAME_MAX}"'),
        select("kind", "Вид", KIND_NAMES.items()),
        field("plate", "Госномер", attrs=f'autocomplete="off" maxlength="{PLATE_MAX}"'),
        field("contractor", "Подрядчик", attrs='autocomplete="off"'),
        field("driver", "Водитель", attrs=f'autocomplete="off" maxlength="{DRIVER_MAX}"'),
        field("driver_phone", "Телефон водителя", kind="tel",
              attrs='autocomplete="off" placeholder="+7 914 123-45-67"'),
        field("equipment_input", "Вход датчика оборудования (0 — нет)", kind="number",
              attrs=f'min="0" max="{INPUTS_MAX}" step="1" value="0"'),
    ))
    body = f"""<h1>Машины</h1>
<p class="meta">Удалённая машина пропадает с карты и из списков, её треки, уборка и акты
сохраняются; её терминалы освобождаются. <a href="/admin/terminals">Терминалы</a> ·
<a href="/admin/audit">Журнал действий</a></p>
<p class="error" data-page-error hidden></p>
<h2 data-form-title>Новая машина</h2>
<form class="cmd gd-form" data-vehicle-form novalidate>{form_fields}
<button type="submit" data-submit>Добавить</button>
<button type="button" data-cancel hidden>Отмена</button>
<p class="error" data-form-error hidden></p>
</form>
<label class="search">Поиск <input type="search" data-search autocomplete="off"
placeholder="название, госномер, подрядчик, водитель или терминал"></label>
<span class="meta" data-count></span>
<table data-vehicles><thead><tr><th>№</th><th>Название</th><th>Вид</th><th>Госномер</th>
<th>Подрядчик</th><th>Водитель</th><th>Вход датчика</th><th>Терминалы</th><th></th></tr>
</thead><tbody></tbody></table>"""
    return app_page(title="Машины", active="", body_html=body, script="vehicles",
                    config={"kinds": KIND_NAMES})
