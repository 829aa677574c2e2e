"""Plain pages (sign-in, refusals): one Russian card with the brand, a way back to the map."""

from __future__ import annotations

from maps.pages.chrome import BRAND
from maps.pages.plain import plain_page


def test_a_plain_page_escapes_its_title_and_keeps_its_body() -> None:
    page = plain_page("Доступ <закрыт>", "<p>Только администратору</p>").decode()
    assert page.startswith('<!doctype html><html lang="ru"><head><meta charset="utf-8">')
    assert f"<title>Доступ &lt;закрыт&gt; · {BRAND}</title>" in page
    assert f'<main class="card"><p class="brand">{BRAND}</p>' in page
    assert ("<h1>Доступ &lt;закрыт&gt;</h1><p>Только администратору</p>"
            '<p class="back"><a href="/">← На карту</a></p></main>') in page
    assert '<link rel="stylesheet" href="/static/css/pages.css">' in page


def test_the_way_back_can_be_left_out() -> None:
    page = plain_page("Вход", "<form></form>", back_link=False).decode()
    assert "<h1>Вход</h1><form></form></main>" in page and "На карту" not in page
