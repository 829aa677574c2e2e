"""``make screenshots``: a PNG of every page, taken from a real served demo, into maps/screenshots.

It starts everything it needs and stops it again: a fresh database in the test cluster
(``var/test-pg``, never the demo's), the demo city seeded, a dispatcher account, a few hours of
past work driven over EGTS after a declared snowfall (so coverage, playback and the public map
have cleared streets to show), ``serve`` on free ports with part of the demo fleet simulated
live, and headless Chromium (Debian's). Nothing here needs the network.

    python -m tests.tools.screenshots [--out DIR] [--keep]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

import psycopg2

from db.cluster import LocalCluster
from db.migrate import migrate
from db.seed import seed_demo
from db.storms import create_storm
from dispatch.demo_city import demo_routes
from dispatch.demo_fleet import demo_fleet
from tests.conftest import (
    REPO,
    TEST_CLUSTER_PORT,
    TEST_DATABASE,
    Served,
    start_server,
    stop_server,
)
from tests.maps.auth.test_sign_in import add_user
from tests.served_pages import point_on_path
from tests.tools.fleet_history import drive_line, send_fixes

# Named like a pytest run's database (with our pid), so concurrent test runs neither drop it
# nor stop the shared cluster while it is in use.
DATABASE = f"{TEST_DATABASE}_{os.getpid()}"
OUT = REPO / "maps" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
LOGIN, PASSWORD = "dispatcher", "zima-2026!"
ADMIN_LOGIN = "admin"  # the admin pages' shots; same password
VIEWPORT = {"width": 1400, "height": 900}
PHONE: Final = {"width": 390, "height": 844}
SIMULATED = 40  # the first demo vehicles driven live by the simulator
PLAYBACK = 65  # the demo vehicle whose track the playback screenshot shows


@contextmanager
def demo_server(tmp: Path) -> Iterator[Served]:
    """A served demo city with history, on its own database that is dropped afterwards."""
    cluster = LocalCluster(REPO / "var" / "test-pg" / "data", TEST_CLUSTER_PORT,
                           database=DATABASE)
    cluster.start()
    cluster.drop_database(DATABASE)
    cluster.create_database(DATABASE)
    dsn = cluster.dsn()
    migrate(dsn)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        seed_demo(cur)
    conn.close()
    add_user(dsn, LOGIN, PASSWORD, "dispatcher")
    add_user(dsn, ADMIN_LOGIN, PASSWORD, "admin")
    declare_snowfall(dsn)
    served = start_server(dsn, tmp)
    simulator = subprocess.Popen(
        [sys.executable, "-m", "egts_server.cli", "--config", str(tmp / "config.toml"),
         "simulate", "--vehicles", str(SIMULATED), "--port", str(served.egts_port),
         "--interval", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO,
        env={**os.environ, "DATABASE_URL": dsn})
    try:
        drive_history(served)
        yield served
    finally:
        simulator.terminate()
        simulator.wait(timeout=20)
        stop_server(served)
        cluster.drop_database(DATABASE)


#: The snowfall the history follows: it began and ended this many hours ago.
SNOWFALL_H: Final = (18.0, 14.0)
#: (demo vehicle index, route index, hours ago it started, both ways): graders and sweepers
#: (never the live-simulated ones) since the snowfall, one street at a time each, so the
#: streets fall in every band of time since service; the spreaders' highways wait.
HISTORY: tuple[tuple[int, int, float, bool], ...] = (
    (62, 0, 1.7, True), (62, 8, 4.5, True),
    (63, 1, 7.0, True), (63, 10, 2.2, True),
    (64, 2, 16.0, True), (64, 13, 5.0, True),
    (66, 12, 30.0, True), (66, 3, 13.0, True), (66, 18, 0.9, True),
    (67, 16, 3.2, False), (67, 20, 8.5, True),
    (68, 17, 0.6, True), (68, 21, 10.0, True),
    (69, 6, 1.0, True), (69, 22, 2.8, True),
    (70, 4, 1.4, False), (71, 5, 4.0, False),
)


def declare_snowfall(dsn: str) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        create_storm(cur, "Снегопад (демо)", now - timedelta(hours=SNOWFALL_H[0]),
                     now - timedelta(hours=SNOWFALL_H[1]))
    conn.close()


def drive_history(served: Served) -> None:
    """Graders and sweepers that worked since the snowfall: the time bands on the coverage and
    public maps; and a gap to play back."""
    fleet, routes = demo_fleet(), demo_routes()
    now = datetime.now(UTC).replace(microsecond=0)
    for vehicle, route, hours, both in HISTORY:
        fixes = drive_line(routes[route].coordinates, now - timedelta(hours=hours),
                           speed_kmh=28, both_ways=both,
                           laps=routes[route].passes_required if both else 1)
        send_fixes(served.egts_port, fleet[vehicle].tid, fixes)
    # The one to replay: a street, eight silent minutes on the way, then a second street.
    first = drive_line(routes[7].coordinates, now - timedelta(hours=2.5), speed_kmh=28)
    resume = first[-1]["time"] + timedelta(minutes=8)
    second = drive_line(routes[9].coordinates[::-1], resume, speed_kmh=28)
    send_fixes(served.egts_port, fleet[PLAYBACK].tid, first + second)


def vehicle_id(served: Served, demo_index: int) -> int:
    with psycopg2.connect(served.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM vehicles WHERE name = %s", (demo_fleet()[demo_index].name,))
        found: int = cur.fetchone()[0]
    conn.close()
    return found


def shoot(served: Served, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    base = served.base_url
    shots: list[Path] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--lang=ru-RU"],
                                     env={**os.environ, "LANG": "ru_RU.UTF-8",
                                          "LANGUAGE": "ru"})
        guest = browser.new_context(viewport=VIEWPORT, locale="ru-RU",  # type: ignore[arg-type]
                                    timezone_id="Asia/Vladivostok")
        page = guest.new_page()
        page.goto(base + "/login?next=/")
        page.wait_for_timeout(300)
        shots.append(_save(page, out / "login.png"))
        page.fill("input[name=login]", LOGIN)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/")
        page.wait_for_function("document.querySelectorAll('[data-vehicle-item]').length > 20",
                               timeout=30_000)
        page.wait_for_timeout(2500)
        shots.append(_save(page, out / "live-map.png"))
        # the vehicle panel: the working ploughs, one of them followed with its card
        page.select_option("[data-kind-filter]", "plow")
        page.select_option("[data-state-filter]", "working")
        page.wait_for_timeout(300)
        page.locator("[data-vehicle-item]").first.click()
        page.wait_for_selector("[data-vehicle-card]:not([hidden])")
        page.wait_for_timeout(2500)
        shots.append(_save(page, out / "live-map-vehicle.png"))
        page.set_viewport_size(PHONE)  # type: ignore[arg-type]
        page.goto(base + "/")
        page.wait_for_function("document.querySelectorAll('[data-vehicle-item]').length > 20",
                               timeout=30_000)
        page.click(".gd-vehicle-panel [data-box-toggle]")
        page.fill("[data-vehicle-search]", demo_fleet()[0].plate)
        page.locator("[data-vehicle-item]").first.click()
        page.wait_for_timeout(2500)
        shots.append(_save(page, out / "live-map-phone.png"))
        page.set_viewport_size(VIEWPORT)  # type: ignore[arg-type]

        page.goto(base + "/editor")
        page.wait_for_selector("[data-route-item]")
        page.locator("[data-route-item]").nth(2).click()
        page.wait_for_timeout(800)
        shots.append(_save(page, out / "editor.png"))

        page.goto(base + "/coverage")
        page.wait_for_selector("path.gd-stretch", timeout=60_000)
        page.wait_for_timeout(800)
        served_line = page.locator('path.gd-stretch[data-state="served"]')
        if served_line.count():
            page.mouse.move(*point_on_path(served_line.first, 0.4))
            page.wait_for_timeout(600)
        shots.append(_save(page, out / "coverage.png"))

        now = datetime.now(UTC)
        query = urlencode({"vehicle": vehicle_id(served, PLAYBACK),
                           "from": (now - timedelta(hours=3)).isoformat(timespec="seconds"),
                           "to": now.isoformat(timespec="seconds")})
        page.goto(f"{base}/playback?{query}")
        page.wait_for_selector("[data-player]:not([hidden])", timeout=30_000)
        slider = page.locator("[data-slider]")
        slider.evaluate("s => { s.value = String((Number(s.min) * 2 + Number(s.max) * 3) / 5);"
                        " s.dispatchEvent(new Event('input')); }")
        page.wait_for_timeout(600)
        shots.append(_save(page, out / "playback.png"))

        page.goto(base + "/storms")
        page.wait_for_selector("[data-storms] tr[data-storm-id]")
        shots.append(_save(page, out / "storms.png"))
        page.click("[data-storms] tr[data-storm-id] [data-action=act]")
        page.wait_for_selector(".folium-map .leaflet-interactive", timeout=120_000)
        shots.append(_save(page, out / "storm-act.png"))
        page.goto(base + "/storm")
        page.wait_for_selector(".gd-storm-room[data-loaded=clock]", timeout=120_000)
        page.wait_for_timeout(1500)
        shots.append(_save(page, out / "storm-room.png"))
        page.goto(base + "/events")
        page.wait_for_load_state("networkidle")
        shots.append(_save(page, out / "events.png"))
        guest.close()

        admin = browser.new_context(viewport=VIEWPORT, locale="ru-RU",  # type: ignore[arg-type]
                                    timezone_id="Asia/Vladivostok")
        page = admin.new_page()
        page.goto(base + "/login?next=/admin/vehicles")
        page.fill("input[name=login]", ADMIN_LOGIN)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/admin/vehicles")
        for name, path in (("admin-vehicles", "/admin/vehicles"),
                           ("admin-terminals", "/admin/terminals")):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(800)
            shots.append(_save(page, out / f"{name}.png"))
        admin.close()

        public = browser.new_context(viewport=VIEWPORT, locale="ru-RU",  # type: ignore[arg-type]
                                     timezone_id="Asia/Vladivostok")
        page = public.new_page()
        page.goto(base + "/public/")
        page.wait_for_selector(".gd-public-legend[data-ready]", timeout=120_000)
        page.wait_for_timeout(800)
        shots.append(_save(page, out / "public-map.png"))
        public.close()
        browser.close()
    return shots


def _save(page: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.tools.screenshots",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder for the PNGs ({OUT})")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="glonass-shots-") as tmp:
        with demo_server(Path(tmp)) as served:
            time.sleep(4)  # a couple of simulator rounds, so the live map shows motion
            for path in shoot(served, args.out):
                sys.stdout.write(f"saved {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
