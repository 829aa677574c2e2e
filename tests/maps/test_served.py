"""Fixed bytes: a page rendered once, and the static folder served without listings."""

from __future__ import annotations

from pathlib import Path

from twisted.web.resource import getChildForRequest
from twisted.web.test.requesthelper import DummyRequest

from maps.served import HtmlPage, StaticFiles


def test_a_page_is_served_as_rendered_in_utf_8() -> None:
    page = HtmlPage("<!doctype html><title>Машины</title>")
    for _ in range(2):  # the same bytes every time, rendered once
        request = DummyRequest([b""])
        assert page.render_GET(request) == "<!doctype html><title>Машины</title>".encode()
        assert request.responseHeaders.getRawHeaders(b"content-type") == [
            b"text/html; charset=utf-8"]


def test_a_folder_is_not_listed_but_its_files_are_served(tmp_path: Path) -> None:
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "live_map.js").write_text("export {};\n")
    folder = DummyRequest([b"js", b""])
    listing = getChildForRequest(StaticFiles(str(tmp_path)), folder).render(folder)
    assert folder.responseCode == 404 and b"live_map.js" not in listing
    script = DummyRequest([b"js", b"live_map.js"])
    found = getChildForRequest(StaticFiles(str(tmp_path)), script)
    assert isinstance(found, StaticFiles) and found.path == str(tmp_path / "js" / "live_map.js")
