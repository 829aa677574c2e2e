"""/admin/users and /admin/audit in headless Chromium: an admin adds an account, changes its
role, disables it, is refused taking away the last admin, removes it, reads the trail, and sets
a new password from the page."""

from __future__ import annotations

from typing import Any

from tests.conftest import Served
from tests.maps.auth.test_sign_in import add_user, call
from tests.served_pages import ADMIN, field_error, sign_in_page


def test_admin_manages_accounts_and_reads_the_trail(server: Served, page: Any,
                                                    page_log: Any) -> None:
    add_user(server.dsn, *ADMIN, "admin")
    sign_in_page(page, server, "/admin/users", ADMIN)
    page.locator('[data-users] tr[data-login="admin"]').wait_for()

    form = page.locator("[data-add-form]")
    form.locator("input[name=login]").fill("sidorov")
    form.locator("select[name=role]").select_option("dispatcher")
    form.locator("input[name=password]").fill("leto-2026!")
    form.locator("button[type=submit]").click()
    row = page.locator('[data-users] tr[data-login="sidorov"]')
    row.wait_for()
    assert "действует" in row.inner_text() and "не входил" in row.inner_text()

    # the change redraws the list: wait until the old row is gone, or the click lands on it
    row.evaluate("tr => { tr.dataset.stale = '1'; }")
    row.locator("select[name=role]").select_option("auditor")
    page.locator('[data-users] tr[data-login="sidorov"][data-stale]').wait_for(state="detached")
    row.get_by_role("button", name="Отключить").click()
    row.get_by_role("button", name="Включить").wait_for()
    assert "отключён" in row.inner_text()
    listed = page.request.get(f"{server.base_url}/api/users").json()
    assert [(u["login"], u["role"], u["disabled"]) for u in listed] == [
        ("admin", "admin", False), ("sidorov", "auditor", True)]

    admin_row = page.locator('[data-users] tr[data-login="admin"]')
    admin_row.locator("select[name=role]").select_option("dispatcher")
    error = page.locator("[data-page-error]")
    error.wait_for()
    assert error.inner_text() == ("admin — последний действующий администратор; "
                                  "сначала назначьте другого")
    page.wait_for_function(  # the list is reloaded after the refusal is shown
        "document.querySelector('[data-users] tr[data-login=\"admin\"] select[name=role]')"
        ".value === 'admin'")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Удалить").click()
    row.wait_for(state="detached")

    page.goto(f"{server.base_url}/admin/audit")
    page.select_option("[data-filters] select[name=kind]", "user")
    page.click("[data-filters] button[type=submit]")
    page.locator("[data-count]", has_text="Записей: 5").wait_for()
    rows = page.locator("[data-audit] tbody tr").all_inner_texts()
    assert rows[0].split("\t")[4:7:2] == ["удаление", "sidorov"]
    assert "disabled: false → true" in rows[1] and "role: dispatcher → auditor" in rows[2]
    csv_link = page.locator("[data-csv]").get_attribute("href")
    assert csv_link.startswith("/api/audit?from=") and csv_link.endswith("&kind=user&format=csv")
    assert page_log.external() == [] and page_log.page_errors == []


def test_admin_sees_throttled_sign_ins(server: Served, page: Any) -> None:
    """Ten wrong passwords for a login: the users page lists it with the address and wait."""
    add_user(server.dsn, *ADMIN, "admin")
    for _ in range(10):
        page.request.post(f"{server.base_url}/login",
                          data={"login": "ivanova", "password": "guess"})
    sign_in_page(page, server, "/admin/users", ADMIN)
    row = page.locator("[data-throttled] tbody tr")
    row.wait_for()
    assert row.inner_text().split("\t")[:3] == ["ivanova", "127.0.0.1", "10"]
    assert page.locator("[data-throttled-none]").is_hidden()


def test_admin_sets_a_new_password_from_the_page(server: Served, page: Any,
                                                 page_log: Any) -> None:
    add_user(server.dsn, *ADMIN, "admin")
    add_user(server.dsn, "sidorov", "leto-2026!", "dispatcher")
    sign_in_page(page, server, "/admin/users", ADMIN)
    row = page.locator('[data-users] tr[data-login="sidorov"]')
    row.get_by_role("button", name="Новый пароль").click()
    form = page.locator("[data-password-form]")
    form.locator("input[name=password]").fill("short")
    form.locator("button[type=submit]").click()
    assert field_error(form, "password") == "пароль: не короче 8 символов"
    form.locator("input[name=password]").fill("osen-2026!")
    form.locator("button[type=submit]").click()
    form.wait_for(state="hidden")
    assert call(server, "POST", "/login", {"login": "sidorov", "password": "osen-2026!"})[0] == 200
    assert call(server, "POST", "/login", {"login": "sidorov", "password": "leto-2026!"})[0] == 401
    assert page_log.page_errors == []
