"""/admin/terminals in headless Chromium: an admin sends a command to a connected terminal and
watches it travel to "выполнена" with the terminal's answer; a Teltonika device gets text only."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from tests.conftest import REPO, Served
from tests.egts_server.net.test_commands import answer, logged_in, read_command, take
from tests.maps.auth.test_sign_in import add_user
from tests.served_pages import DISPATCHER, sign_in_page

ADMIN = ("admin", "admin-2026!")


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
