"""/admin/terminals in headless Chromium: an admin registers, finds, fits and removes terminals,
sends a command to a connected terminal and watches it travel to "выполнена" with the terminal's
answer; a Teltonika device gets text only."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import psycopg2

from db import terminals as terminal_registry
from tests.conftest import REPO, Served
from tests.egts_server.net.test_commands import answer, logged_in, read_command, take
from tests.maps.auth.test_sign_in import add_user
from tests.served_pages import ADMIN, DISPATCHER, field_error, sign_in_page


def test_admin_sends_a_text_command_and_sees_the_answer(server: Served, page: Any,
                                                        page_log: Any) -> None:
    add_user(server.dsn, *ADMIN, "admin")
    terminal = logged_in(server, 5101)
    try:
        sign_in_page(page, server, "/admin/terminals", ADMIN)
        row = page.locator("[data-terminals] tr", has_text="egts:5101")
        row.get_by_role("button", name="Команды").click()
        page.fill("[data-command-form] input[name=text]", "GETVER")
        page.click("[data-command-form] button[type=submit]")
        page.locator("[data-history] tr[data-status]").first.wait_for()

        reply, wire = read_command(terminal)
        assert wire["dt"] == b"GETVER"
        take(terminal, reply)
        answer(terminal, wire, b"ver 3.2")
        done = page.locator('[data-history] tr[data-status="confirmed"]')
        done.wait_for(timeout=15_000)
        text = done.inner_text()
        assert "GETVER" in text and "выполнена" in text and "«ver 3.2»" in text and "admin" in text
        # the admin stylesheet is served and applied (the command form is a white card)
        assert page.eval_on_selector("[data-command-form]", "f => getComputedStyle(f)"
                                     ".backgroundColor") == "rgb(255, 255, 255)"
    finally:
        terminal.close()
    assert page_log.external() == [] and page_log.page_errors == []


def test_form_errors_come_back_next_to_the_form(server: Served, page: Any,
                                                page_log: Any) -> None:
    """The terminals table shows where the terminal last connected from; a parameter "set"
    without a value: the API's 400 message is shown next to the value field, nothing is
    queued."""
    add_user(server.dsn, *ADMIN, "admin")
    terminal = logged_in(server, 5102)
    host, port = terminal.sock.getsockname()[:2]
    terminal.close()
    sign_in_page(page, server, "/admin/terminals", ADMIN)
    # the registry's last address: the column under «Последний адрес» holds the terminal's
    page.locator("[data-terminals] tr", has_text="egts:5102").wait_for()
    address = page.eval_on_selector(
        "[data-terminals]", """table => {
            const column = [...table.tHead.rows[0].cells]
                .findIndex(th => th.textContent === 'Последний адрес');
            const row = [...table.tBodies[0].rows]
                .find(tr => tr.textContent.includes('egts:5102'));
            return row.cells[column].textContent; }""")
    assert address == f"{host}:{port}"
    page.locator("[data-terminals] tr", has_text="egts:5102").get_by_role(
        "button", name="Команды").click()
    page.select_option("[data-command-form] select[name=kind]", "parameter")
    page.fill("[data-command-form] input[name=parameter]", "0x0262")
    page.select_option("[data-command-form] select[name=action]", "set")
    page.click("[data-command-form] button[type=submit]")
    page.locator('[data-command-form] [data-field="value"].gd-invalid').wait_for()
    assert page.inner_text('[data-command-form] [data-field="value"] [data-error]') == (
        "для set нужно значение (или hex)")
    # the history table is not reloaded after an error; ask the API (as the signed-in admin)
    history = page.request.get(f"{server.base_url}/api/terminals/egts:5102/commands")
    assert history.status == 200 and history.json() == []
    assert page_log.page_errors == []


def test_the_bar_shows_admin_pages_to_admins_only(server: Served, page: Any,
                                                  page_log: Any) -> None:
    add_user(server.dsn, *ADMIN, "admin")
    add_user(server.dsn, *DISPATCHER, "dispatcher")
    sign_in_page(page, server, "/", ADMIN)
    page.locator("a[data-admin-link]", has_text="Терминалы").wait_for()
    page.click("a[data-admin-link]:has-text('Терминалы')")
    page.wait_for_url(server.base_url + "/admin/terminals")
    page.locator("[data-terminals]").wait_for()
    page.context.clear_cookies()
    sign_in_page(page, server, "/", DISPATCHER)
    page.locator("[data-logout]").wait_for()
    assert page.locator("a[data-admin-link]").count() == 0
    assert page_log.page_errors == []


def test_a_teltonika_device_takes_text_commands_only(server: Served, page: Any,
                                                     page_log: Any) -> None:
    """Its form offers text alone; the command waits in the queue for the device."""
    add_user(server.dsn, *ADMIN, "admin")
    added = subprocess.run([sys.executable, "-m", "egts_server.cli", "terminals", "add",
                            "teltonika", "356307042441013"], capture_output=True, text=True,
                           env={"DATABASE_URL": server.dsn, "PATH": "/usr/bin:/bin"}, cwd=REPO,
                           check=False)
    assert added.returncode == 0, added.stderr
    sign_in_page(page, server, "/admin/terminals", ADMIN)
    page.locator("[data-terminals] tr", has_text="teltonika:356307042441013").get_by_role(
        "button", name="Команды").click()
    kinds = page.eval_on_selector_all("[data-command-form] select[name=kind] option",
                                      "os => os.map(o => [o.value, o.disabled])")
    assert kinds == [["text", False], ["command", True], ["parameter", True]]
    page.fill("[data-command-form] input[name=text]", "getinfo")
    page.click("[data-command-form] button[type=submit]")
    queued = page.locator('[data-history] tr[data-status="queued"]')
    queued.wait_for()
    assert "getinfo" in queued.inner_text() and "в очереди" in queued.inner_text()
    assert page_log.page_errors == []


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
