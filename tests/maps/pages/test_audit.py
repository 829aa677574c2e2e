"""/admin/audit rendered: its filters offer every kind and action the trail names, and its
script gets the city's zone and the role names."""

from __future__ import annotations

import re
from html import unescape

from maps.api.audit_export import ACTION_LABELS, KIND_LABELS
from maps.pages.audit import render_audit_page
from maps.pages.chrome import ROLE_LABELS
from tests.maps.pages.test_pages import json_attribute


def choices(html: str, name: str) -> list[tuple[str, str]]:
    found = re.search(rf'<select name="{name}">(.*?)</select>', html)
    assert found, name
    return [(value, unescape(label))
            for value, label in re.findall(r'<option value="([^"]*)">([^<]*)</option>',
                                           found.group(1))]


def test_the_filters_offer_all_then_every_label_of_the_trail() -> None:
    html = render_audit_page()
    assert choices(html, "kind") == [("", "все"), *KIND_LABELS.items()]
    assert choices(html, "action") == [("", "все"), *ACTION_LABELS.items()]
    for name in ("from", "to"):
        assert f'<input name="{name}" type="datetime-local">' in html


def test_the_script_reads_the_zone_and_the_role_names() -> None:
    html = render_audit_page("Asia/Yakutsk")
    assert json_attribute(html, "data-page-config") == {"timeZone": "Asia/Yakutsk",
                                                        "roles": ROLE_LABELS}
    assert '<script type="module" src="/static/js/audit.js"></script>' in html
    assert "<title>Журнал действий · " in html and "<a data-csv download>" in html
