"""The public city-site export: only public information leaves, and it works from disk."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2
import pytest

from db import terminals
from db.positions import FixRow, ensure_partitions, insert_positions, months_of
from egts_server.model import DeviceKey, Position
from tests.conftest import REPO

pytestmark = pytest.mark.postgis
SECRET_TID = "987650001"
SECRET_TEXT = "служебная: ключ от подвала у дворника"


def prepare(dsn: str) -> None:
    """A vehicle with a terminal and a fix 20 minutes ago, a public and an internal mark."""
    now = datetime.now(UTC)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        admission = terminals.admit(cur, "egts", SECRET_TID, "860000000000001", {}, "register")
        cur.execute("UPDATE vehicles SET kind = 'plow', plate = 'А777АА27',"
                    " contractor = 'ООО «Тайна»'")
        fix = Position(device=DeviceKey("egts", SECRET_TID), fix_time=now - timedelta(minutes=20),
                       latitude=50.5512345, longitude=137.0212345, valid=True, speed_kmh=20,
                       course_deg=90)
        rows = [FixRow(admission.terminal_id or 0, admission.vehicle_id, now, fix)]
        ensure_partitions(cur, months_of(rows))
        insert_positions(cur, rows)
        for public, text in ((True, "Подтоплен подвал, ул. Кирова 5"), (False, SECRET_TEXT)):
            cur.execute("INSERT INTO marks (layer, geom, text, public) VALUES"
                        " ('flooded_basement', ST_SetSRID(ST_MakePoint(137.02, 50.56), 4326),"
                        " %s, %s)", (text, public))
        cur.execute("INSERT INTO routes (name, geom) VALUES ('проспект Мира',"
                    " ST_GeomFromText('LINESTRING(137.0 50.55, 137.01 50.56)', 4326))")


def export(dsn: str, target: Path) -> str:
    result = subprocess.run([sys.executable, "-m", "egts_server.cli", "maps", "export",
                             str(target)], capture_output=True, text=True, cwd=REPO,
                            env={**os.environ, "DATABASE_URL": dsn})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_export_holds_public_layers_and_no_internal_field(dsn: str, tmp_path: Path) -> None:
    """Vehicle kind and coarse place, the public mark and the route are there; secrets are not."""
    prepare(dsn)
    out = export(dsn, tmp_path / "site")
    assert "1 vehicles, 1 routes, 1 public marks" in out
    texts = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*")
                      if p.suffix in (".html", ".geojson"))
    assert "снегоочиститель" in texts and "Подтоплен подвал" in texts and "проспект Мира" in texts
    for secret in (SECRET_TID, "860000000000001", "А777АА27", "Тайна", SECRET_TEXT,
                   "50.5512345", "137.0212345"):
        assert secret not in texts, secret
    assert "50.551" in texts  # coarsened to about 100 m

