"""A small city for the public map's tests: one street ploughed an hour ago, one never,
a plough seen 20 minutes ago, a public and an internal mark, and internal values to hunt for.

Fixes go straight into PostGIS (the way intake stores them), so the coverage engine credits
the ploughed street exactly as it would credit a terminal's data.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

import psycopg2

from db import terminals, vehicles
from db.positions import FixRow, ensure_partitions, insert_positions, months_of
from db.seed import seed_demo
from dispatch.demo_city import demo_marks
from dispatch.demo_fleet import demo_fleet
from egts_server.model import DeviceKey, Position
from tests.conftest import REPO
from tests.tools.fleet_history import drive_line

PLOUGHED: Final = ((137.000, 50.550), (137.006, 50.551), (137.012, 50.5525))
NEVER: Final = ((137.020, 50.560), (137.026, 50.562))
PLOUGHED_NAME, NEVER_NAME = "проспект Мира", "улица Котовского"
PUBLIC_MARK: Final = "Подтоплен подвал, ул. Кирова 5"
#: Values that must never leave through the public map: terminal id and its registry name,
#: IMEI, plate, contractor (of the vehicle and of the route), the vehicle's name with its
#: driver, an internal mark's text, the exact coordinates of the last fix, and the driver of
#: the registry with the phone as stored and as shown.
SECRETS: Final = ("987650001", "egts:987650001", "860000000000001", "А777АА27", "ООО «Тайна»",
                  "Подрядчик-секрет", "Сидоров", "служебная: ключ от подвала у дворника",
                  "50.5512345", "137.0212345", "Кузнецов Олег", "+79145550011",
                  "+7 914 555-00-11")


def demo_secrets() -> tuple[str, ...]:
    """The demo seed's internal values: every plate, IMEI, terminal, contractor, vehicle
    name, driver and driver's phone, and the texts of its internal marks."""
    fleet = demo_fleet()
    return (*{v.contractor for v in fleet}, *(v.plate for v in fleet), *(v.imei for v in fleet),
            *(v.terminal for v in fleet), *(v.name for v in fleet),
            *{v.driver for v in fleet}, *(v.driver_phone for v in fleet),
            *(m.text for m in demo_marks() if not m.public))


def _line(coords: tuple[tuple[float, float], ...]) -> str:
    return "LINESTRING(" + ", ".join(f"{lon} {lat}" for lon, lat in coords) + ")"


def prepare(dsn: str, *, with_demo: bool = False) -> None:
    """The city above, as of now; ``with_demo`` seeds the demo city next to it."""
    now = datetime.now(UTC).replace(microsecond=0)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        if with_demo:
            seed_demo(cur)
        vehicle_id = vehicles.add_vehicle(cur, "КДМ-7, водитель Сидоров", "plow", "А777АА27",
                                          "ООО «Тайна»", equipment_input=1,
                                          driver=SECRETS[10], driver_phone=SECRETS[11])
        terminal_id = terminals.add_terminal(cur, "egts", SECRETS[0], SECRETS[2], vehicle_id)
        device = DeviceKey("egts", SECRETS[0])
        fixes = [Position(device=device, fix_time=f["time"], latitude=f["lat"],
                          longitude=f["lon"], valid=True, speed_kmh=f["speed_kmh"],
                          course_deg=f["course"], satellites=9, inputs=1)
                 for f in drive_line(PLOUGHED, now - timedelta(minutes=70), speed_kmh=20,
                                     both_ways=True)]
        fixes.append(Position(device=device, fix_time=now - timedelta(minutes=20),
                              latitude=50.5512345, longitude=137.0212345, valid=True,
                              speed_kmh=0, course_deg=90, satellites=9, inputs=0))
        rows = [FixRow(terminal_id, vehicle_id, now, fix) for fix in fixes]
        ensure_partitions(cur, months_of(rows))
        insert_positions(cur, rows)
        for public, text in ((True, PUBLIC_MARK), (False, SECRETS[7])):
            cur.execute("INSERT INTO marks (layer, geom, text, public) VALUES"
                        " ('flooded_basement', ST_SetSRID(ST_MakePoint(137.02, 50.56), 4326),"
                        " %s, %s)", (text, public))
        for name, coords in ((PLOUGHED_NAME, PLOUGHED), (NEVER_NAME, NEVER)):
            cur.execute("INSERT INTO routes (name, geom, passes_required, contractor) VALUES"
                        " (%s, ST_GeomFromText(%s, 4326), 1, 'Подрядчик-секрет')",
                        (name, _line(coords)))
    conn.close()


def export(dsn: str, target: Path) -> str:
    """``glonass-dispatch maps export target``; its standard output."""
    result = subprocess.run([sys.executable, "-m", "egts_server.cli", "maps", "export",
                             str(target)], capture_output=True, text=True, cwd=REPO,
                            env={**os.environ, "DATABASE_URL": dsn})
    assert result.returncode == 0, result.stderr
    return result.stdout


def leaks(data: bytes, secrets: Sequence[str] = SECRETS) -> list[str]:
    """The secrets found in ``data`` (as UTF-8 and as JSON's \\u escapes)."""
    return [s for s in secrets
            if s.encode() in data or json.dumps(s).strip('"').encode() in data]
