"""/admin/vehicles in headless Chromium: an admin adds, edits, finds and removes vehicles, and
sees each refused field's Russian message next to that field."""

from __future__ import annotations

from typing import Any

import psycopg2

from tests.conftest import Served
from tests.maps.auth.test_sign_in import add_user
from tests.served_pages import ADMIN, field_error, sign_in_page


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
