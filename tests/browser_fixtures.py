"""Headless Chromium for browser tests, a request log, and a tiny local web server.

A pytest plugin (``tests/conftest.py`` loads it), so that browser tests live beside the other
tests of the page they drive; a test that uses ``browser`` is marked ``browser``.

Browser tests check what a person sees, with no network: every request the page makes is
recorded, anything not addressed to this machine is aborted before it leaves (and still
recorded, so the test can fail on it), and pages are served from 127.0.0.1 by ``LocalSite``.
Chromium is Debian's (/usr/bin/chromium); Playwright's own browser download is never used.
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Schemes that never touch the network.
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "chrome-error", "file"})


def is_local(url: str) -> bool:
    """True when ``url`` stays on this machine."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


@dataclass
class PageLog:
    """What a page did: every request URL, failed responses, console errors, script errors."""

    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def external(self) -> list[str]:
        """Requests addressed anywhere but this machine (they were aborted, but were made)."""
        return [url for url in self.requests if not is_local(url)]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session; skipped where Debian's chromium is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    playwright_sync = pytest.importorskip("playwright.sync_api")
    with playwright_sync.sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser: Any, page_log: PageLog) -> Iterator[Any]:
    """A fresh page in its own context, Moscow clock and Russian locale, with everything logged.

    The browser's time zone is deliberately not the city's, so a test can tell that fix times
    are shown in Asia/Vladivostok by the page itself rather than by the machine's setting.
    """
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="ru-RU", timezone_id="Europe/Moscow"
    )

    def guard(route: Any) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    pg = context.new_page()
    pg.on("request", lambda request: page_log.requests.append(request.url))
    pg.on("requestfailed", lambda request: page_log.failed.append(request.url))

    def on_response(response: Any) -> None:
        if response.status >= 400:
            page_log.failed.append(f"{response.status} {response.url}")

    def on_console(message: Any) -> None:
        if message.type == "error":
            page_log.console_errors.append(message.text)

    pg.on("response", on_response)
    pg.on("console", on_console)
    pg.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    try:
        yield pg
    finally:
        context.close()


# A route answers (status, content type, body).
Handler = Callable[[], tuple[int, str, bytes]]


class LocalSite:
    """A threaded HTTP server on 127.0.0.1 with exact-path routes and static folders.

    Plain ``http.server`` on purpose: browser tests of a page should not depend on the Twisted
    server that production uses, and the port is chosen by the OS so tests can run in parallel.
    Routes may be replaced while the server runs, which is how a test changes an API answer.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.mounts: dict[str, Path] = {}
        self.hits: list[str] = []
        site = self

        class RequestHandler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                site.hits.append(self.path)
                status, ctype, body = site.respond(urlsplit(self.path).path)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def respond(self, path: str) -> tuple[int, str, bytes]:
        path = unquote(path)
        if path in self.routes:
            return self.routes[path]()
        for prefix, folder in self.mounts.items():
            if path.startswith(prefix + "/"):
                rel = posixpath.normpath(path[len(prefix) + 1 :])
                target = (folder / rel).resolve()
                if rel.startswith("..") or folder.resolve() not in target.parents:
                    break
                if target.is_file():
                    ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                    return 200, ctype, target.read_bytes()
        return 404, "text/plain; charset=utf-8", b"not found"

    def serve_json(self, path: str, produce: Callable[[], Any], status: int = 200) -> None:
        """Answer ``path`` with ``produce()`` as JSON, evaluated on every request."""
        def handle() -> tuple[int, str, bytes]:
            body = json.dumps(produce(), ensure_ascii=False).encode("utf-8")
            return status, "application/json; charset=utf-8", body
        self.routes[path] = handle

    def serve_html(self, path: str, page_html: str) -> None:
        body = page_html.encode("utf-8")
        self.routes[path] = lambda: (200, "text/html; charset=utf-8", body)

    def mount(self, prefix: str, folder: Path) -> None:
        """Serve the files under ``folder`` at ``prefix/...``."""
        self.mounts[prefix.rstrip("/")] = folder

    def start(self) -> LocalSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def local_site() -> Iterator[LocalSite]:
    """A running :class:`LocalSite`; add routes and mounts, then open ``local_site.url``."""
    site = LocalSite().start()
    try:
        yield site
    finally:
        site.stop()
