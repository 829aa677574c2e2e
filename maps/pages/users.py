"""``/admin/users``: accounts for admins: add, change the role, disable, new password, remove.

One static page rendered at start-up; ``static/js/users.js`` fills it from ``/api/users`` and
writes through the same API with the session's CSRF token. Server texts are set as text only.
"""

from __future__ import annotations

from db.users import ROLES
from maps.pages.chrome import ROLE_LABELS, app_page
from maps.pages.forms import field, select
from maps.pages.live_map import TIME_ZONE


def render_users_page(time_zone: str = TIME_ZONE) -> str:
    new_password = field("password", "Пароль", kind="password",
                         attrs='autocomplete="new-password"')
    add_fields = "".join((field("login", "Логин", attrs='autocomplete="off" maxlength="64"'),
                          select("role", "Роль", ((r, ROLE_LABELS[r]) for r in ROLES)),
                          new_password))
    body = f"""<h1>Пользователи</h1>
<p class="meta">Смена роли или пароля, отключение и удаление сразу завершают сеансы
пользователя. <a href="/admin/terminals">Терминалы</a> ·
<a href="/admin/audit">Журнал действий</a></p>
<p class="error" data-page-error hidden></p>
<table data-users><thead><tr><th>Логин</th><th>Роль</th><th>Состояние</th><th>Создан</th>
<th>Последний вход</th><th></th></tr></thead><tbody></tbody></table>
<form class="cmd gd-form" data-password-form hidden novalidate>
<h2>Новый пароль для <span data-password-login></span></h2>
{new_password}
<button type="submit">Сохранить</button><button type="button" data-password-cancel>Отмена</button>
<p class="error" data-password-error hidden></p>
</form>
<h2>Приостановленные входы</h2>
<p class="meta">Логины и адреса, с которых было слишком много неверных паролей: вход с них
откроется сам по истечении срока; с других адресов эти логины входят как обычно.</p>
<table data-throttled><thead><tr><th>Логин</th><th>Адрес</th><th>Неудачных попыток</th>
<th>Откроется через</th></tr></thead><tbody></tbody></table>
<p class="meta" data-throttled-none>Сейчас нет.</p>
<h2>Новый пользователь</h2>
<form class="cmd gd-form" data-add-form novalidate>{add_fields}
<button type="submit">Добавить</button>
<p class="error" data-form-error hidden></p>
</form>"""
    return app_page(title="Пользователи", active="", body_html=body,
                    script="users",
                    config={"timeZone": time_zone, "roles": ROLE_LABELS})
