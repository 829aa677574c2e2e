"""/admin/vehicles, /admin/terminals and the password form of /admin/users in headless Chromium:
an admin adds, edits and removes vehicles, registers, finds, fits and removes terminals, and
sees each refused field's Russian message next to that field."""

from __future__ import annotations

from typing import Any

import psycopg2

from db import terminals as terminal_registry
from tests.conftest import Served
from tests.maps.auth.test_sign_in import add_user, call
from tests.served_pages import sign_in_page

ADMIN = ("admin", "admin-2026!")


def field_error(form: Any, name: str) -> str:
    """The message in the field's error slot, once the field is marked invalid."""
    form.locator(f'[data-field="{name}"].gd-invalid').wait_for()
    text: str = form.locator(f'[data-field="{name}"] [data-error]').inner_text()
    return text


def test_admin_adds_edits_and_removes_a_vehicle(server: Served, page: Any,
                                                page_log: Any) -> None:
    add_user(server.dsn, *ADMIN, "admin")
    sign_in_page(page, server, "/admin/vehicles", ADMIN)
    form = page.locator("[data-vehicle-form]")
    form.locator("input[name=name]").fill("Плуг 12")
    form.locator("select[name=kind]").select_option("plow")
    form.locator("input[name=plate]").fill("а 012 мр 27")
    form.locator("input[name=contractor]").fill("ДРСУ-2")
    form.locator("input[name=driver]").fill(" Сидоров Иван ")
    form.locator("input[name=equipment_input]").fill("40")
    form.locator("button[type=submit]").click()
    assert field_error(form, "equipment_input") == ("номер входа — от 1 до 32 (0 — без датчика), "
                                                    "а не 40")
    assert page.locator("[data-vehicles] tbody tr").count() == 0

    form.locator("input[name=equipment_input]").fill("2")
    form.locator("input[name=driver_phone]").fill("914 123-45-67")
    form.locator("button[type=submit]").click()
    assert field_error(form, "driver_phone") == ("телефон водителя — российский номер из 11 "
                                                 "цифр, например +7 914 123-45-67, а не "
                                                 "«914 123-45-67»")
    assert form.locator("[data-field=equipment_input].gd-invalid").count() == 0
    form.locator("input[name=driver_phone]").fill("8 (914) 123-45-67")
    form.locator("button[type=submit]").click()
    row = page.locator('[data-vehicles] tr[data-vehicle-id="1"]')
    row.wait_for()
    assert row.inner_text().split("\t")[:7] == ["1", "Плуг 12", "Снегоочиститель", "А012МР27",
                                                "ДРСУ-2", "Сидоров Иван, +79141234567", "2"]
    assert form.locator(".gd-invalid").count() == 0

    row.get_by_role("button", name="Изменить").click()
    assert form.locator("input[name=plate]").input_value() == "А012МР27"
    assert [form.locator(f"input[name={name}]").input_value()
            for name in ("driver", "driver_phone")] == ["Сидоров Иван", "+79141234567"]
    form.locator("input[name=plate]").fill("А-012")
    form.locator("button[type=submit]").click()
    assert field_error(form, "plate") == "госномер — буквы и цифры, без знаков: «А-012»"
    form.locator("input[name=plate]").fill("")
    form.locator("input[name=driver_phone]").fill("")
    form.locator("select[name=kind]").select_option("grader")
    form.locator("button[type=submit]").click()
    page.locator("[data-vehicles] tbody tr", has_text="Автогрейдер").wait_for()
    assert row.inner_text().split("\t")[2:6] == ["Автогрейдер", "—", "ДРСУ-2", "Сидоров Иван"]

    with psycopg2.connect(server.dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO vehicles (name, kind, driver, driver_phone) VALUES"
                    " ('Самосвал 3', 'dump_truck', 'Петров Олег', '+79240001122')")
    conn.close()
    page.reload()
    page.locator('[data-vehicles] tr[data-vehicle-id="2"]').wait_for()
    for typed, found in (("сидоров", "1"), ("петров олег", "2"), ("9240001122", "2")):
        page.fill("[data-search]", typed)
        assert page.locator("[data-vehicles] tbody tr:not([hidden])").evaluate_all(
            "rows => rows.map(r => r.dataset.vehicleId)") == [found], typed
    page.fill("[data-search]", "")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Удалить").click()
    row.wait_for(state="detached")
    with psycopg2.connect(server.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT name, deleted_by FROM vehicles WHERE id = 1")
        assert cur.fetchall() == [("Плуг 12", "admin")]
        cur.execute("SELECT action FROM audit_log WHERE kind = 'vehicle' AND actor = 'admin'"
                    " ORDER BY id")
        assert cur.fetchall() == [("create",), ("update",), ("delete",)]
    conn.close()
    assert page_log.external() == [] and page_log.page_errors == []


def test_admin_registers_finds_fits_and_removes_terminals(server: Served, page: Any,
                                                          page_log: Any) -> None:
    add_user(server.dsn, *ADMIN, "admin")
    with psycopg2.connect(server.dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO vehicles (name, kind) VALUES ('Самосвал 3', 'dump_truck')")
        for tid in range(2001, 2171):  # the demo fleet's size: the search is what finds one
            terminal_registry.add_terminal(cur, "egts", str(tid), None, None)
    conn.close()
    sign_in_page(page, server, "/admin/terminals", ADMIN)
    page.locator('[data-terminals] tr[data-terminal-id="170"]').wait_for()
    assert page.locator("[data-count]").inner_text() == "всего 170"

    form = page.locator("[data-terminal-form]")
    form.locator("select[name=protocol]").select_option("egts")
    form.locator("input[name=identifier]").fill("abc")
    form.locator("button[type=submit]").click()
    assert field_error(form, "identifier") == "ТИД ЕГТС — целое число, а не «abc»"
    form.locator("select[name=protocol]").select_option("teltonika")
    form.locator("input[name=identifier]").fill("35209308123456")
    form.locator("button[type=submit]").click()
    page.wait_for_function("document.querySelector('[data-terminal-form] [data-field=identifier]"
                           " [data-error]').textContent.indexOf('14') > 0")
    assert field_error(form, "identifier") == "IMEI — ровно 15 цифр, а здесь 14"
    form.locator("input[name=identifier]").fill("352093081234567")
    form.locator("select[name=vehicle_id]").select_option(label="Самосвал 3")
    form.locator("button[type=submit]").click()
    added = page.locator("[data-terminals] tr", has_text="teltonika:352093081234567")
    added.wait_for()
    assert form.locator(".gd-invalid").count() == 0

    page.fill("[data-search]", "самосвал")
    assert page.locator("[data-count]").inner_text() == "найдено 1 из 171"
    assert page.locator("[data-terminals] tbody tr:not([hidden])").count() == 1
    page.fill("[data-search]", "egts:2100")
    visible = page.locator("[data-terminals] tbody tr:not([hidden])")
    assert visible.count() == 1 and "egts:2100" in visible.inner_text()

    visible.locator("select[name=vehicle_id]").select_option(label="Самосвал 3")
    page.wait_for_function("document.querySelectorAll(\"[data-terminals] "
                           "tr[data-search-text*='Самосвал 3']\").length === 2")
    assert page.locator("[data-count]").inner_text() == "найдено 1 из 171"  # kept on reload
    listed = page.request.get(f"{server.base_url}/api/terminals").json()
    assert sorted(t["identifier"] for t in listed if t["vehicle"] == "Самосвал 3") == [
        "2100", "352093081234567"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-terminals] tbody tr:not([hidden])").get_by_role(
        "button", name="Удалить").click()
    page.locator("[data-count]", has_text="найдено 0 из 170").wait_for()
    assert page_log.external() == [] and page_log.page_errors == []


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
