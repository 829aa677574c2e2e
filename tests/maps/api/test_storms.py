"""Storms over HTTP: a dispatcher declares and ends them, anyone signed in reads the act.

One served instance (``serve`` in its own process) on a city of two streets, one of them
ploughed over EGTS at 17:00 Vladivostok time (07:00 UTC). The act the site gives, as CSV, is
row for row the act ``glonass-dispatch report storm`` writes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import psycopg2
import pytest

from db.cluster import LocalCluster
from egts_server.cli import main
from tests.dispatch_support import SignedIn, signed_in_server
from tests.maps.api.test_coverage_acceptance import (
    BLADE,
    T0,
    drive,
    register_plough,
    send,
    street,
)
from tests.maps.auth.test_sign_in import add_user, call, sign_in

DECLARED = {"name": "Метель 3 февраля", "started_at": "2026-02-03T16:00",
            "norms_h": {"1": 3, "2": 5}}


@pytest.fixture(scope="module")
def city(postgis_cluster: LocalCluster,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignedIn]:
    for signed in signed_in_server(postgis_cluster, tmp_path_factory.mktemp("storms")):
        for feature in (street("ул. Ленина", (0, 0), (1000, 0), direction="both", priority=1,
                               contractor="ООО «Дорожник-27»"),
                        street("ул. Северная", (0, 600), (1000, 600), priority=2)):
            status, _, raw = call(signed.served, "POST", "/api/routes", feature,
                                  headers=signed.auth)
            assert status == 201, raw
        register_plough(signed.dsn, 501)
        send(signed.served.egts_port, 501,
             drive([(-50.0, 0.0), (1050.0, 0.0), (1050.0, 3.0), (-50.0, 3.0)], T0, BLADE))
        add_user(signed.dsn, "petrova", "audit-2026!", "auditor")
        yield signed


@pytest.fixture()
def storms(city: SignedIn) -> Iterator[SignedIn]:
    yield city
    with psycopg2.connect(city.dsn) as conn, conn.cursor() as cur:
        cur.execute("TRUNCATE storms CASCADE")  # sealed acts refuse a row-by-row unlink
    conn.close()


def api(signed: SignedIn, method: str, path: str, body: Any = None,
        auth: dict[str, str] | None = None) -> tuple[int, Any]:
    status, _, raw = call(signed.served, method, path, body,
                          headers=signed.auth if auth is None else auth)
    return status, json.loads(raw) if raw else None


def declared(signed: SignedIn) -> int:
    """The storm of 3 February: 16:00-19:00 local, snowfall over at 17:00."""
    status, storm = api(signed, "POST", "/api/storms", DECLARED)
    assert status == 201, storm
    status, _ = api(signed, "POST", f"/api/storms/{storm['id']}/end",
                    {"snowfall_ended_at": "2026-02-03T17:00", "closed_at": "2026-02-03T19:00"})
    assert status == 200
    storm_id: int = storm["id"]
    return storm_id


def test_a_dispatcher_declares_and_ends_a_storm_in_local_time(storms: SignedIn) -> None:
    """Times typed without an offset are Vladivostok's; JSON gives them back with offset."""
    status, storm = api(storms, "POST", "/api/storms", DECLARED)
    assert status == 201
    assert storm["started_at"] == "2026-02-03T06:00:00+00:00"  # 16:00 at +10:00
    assert (storm["snowfall_ended_at"], storm["closed_at"]) == (None, None)
    assert storm["norms_h"] == {"1": 3.0, "2": 5.0}
    assert storm["norms_in_effect_h"] == {"1": 3.0, "2": 5.0, "3": 12.0}
    status, ended = api(storms, "POST", f"/api/storms/{storm['id']}/end",
                        {"snowfall_ended_at": "2026-02-03T17:00+10:00",
                         "closed_at": "2026-02-03T09:00:00Z"})
    assert status == 200
    assert (ended["snowfall_ended_at"], ended["closed_at"]) == ("2026-02-03T07:00:00+00:00",
                                                                "2026-02-03T09:00:00+00:00")
    assert api(storms, "GET", "/api/storms")[1] == [ended]
    with psycopg2.connect(storms.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT actor, role, action FROM audit_log WHERE kind = 'storm'"
                    " AND object_id = %s ORDER BY id", (str(storm["id"]),))
        assert cur.fetchall() == [("kuznetsova", "dispatcher", "create"),
                                  ("kuznetsova", "dispatcher", "update")]
    conn.close()


@pytest.mark.parametrize(("body", "message"), [
    ({**DECLARED, "name": " "}, "name: название от 1 до 200 знаков"),
    ({**DECLARED, "started_at": "вчера"},
     "started_at: время в формате ISO 8601, например 2026-12-05T08:00"),
    ({"name": "Буран"}, "started_at: укажите время"),
    ({**DECLARED, "started_at": "0001-01-01T00:00"}, "started_at: время между 2000 и 2100 годом"),
    ({**DECLARED, "snowfall_ended_at": "2026-02-03T15:00"},
     "снегопад не может кончиться раньше начала"),
    ({**DECLARED, "norms_h": {"4": 2}}, "norms_h: класс 4: часы числом; классы 1, 2, 3"),
    ({**DECLARED, "norms_h": {"1": -2}}, "norms_h: класс 1: положительное число часов"),
])
def test_a_bad_declaration_is_a_400_in_russian(storms: SignedIn, body: dict[str, Any],
                                               message: str) -> None:
    status, answer = api(storms, "POST", "/api/storms", body)
    assert (status, answer["error"]) == (400, message)


def test_only_dispatchers_with_the_csrf_token_write(storms: SignedIn) -> None:
    auditor = sign_in(storms.served, "petrova", "audit-2026!")
    assert api(storms, "POST", "/api/storms", DECLARED, auth=auditor)[0] == 403
    no_token = {"cookie": storms.auth["cookie"]}
    assert api(storms, "POST", "/api/storms", DECLARED, auth=no_token)[0] == 403
    assert api(storms, "GET", "/api/storms", auth=auditor) == (200, [])
    assert api(storms, "POST", "/api/storms/424242/end", {})[0] == 404
    storm_id = declared(storms)
    status, answer = api(storms, "POST", f"/api/storms/{storm_id}/end",
                         {"snowfall_ended_at": "2026-02-03T15:59"})
    assert (status, answer["error"]) == (400, "снегопад не может кончиться раньше начала")


def test_the_act_csv_is_the_act_the_cli_writes(storms: SignedIn,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Same rows as ``report storm --format csv``; a Russian spreadsheet file named locally."""
    storm_id = declared(storms)
    auditor = sign_in(storms.served, "petrova", "audit-2026!")
    status, headers, raw = call(storms.served, "GET", f"/api/storms/{storm_id}/act?format=csv",
                                headers=auditor)
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(rf'attachment; filename="storm-{storm_id}-act-\d{{8}}-\d{{4}}\.csv"',
                        headers["Content-Disposition"])
    served_text = raw.decode("utf-8")
    monkeypatch.setenv("DATABASE_URL", storms.dsn)
    monkeypatch.delenv("GLONASS_DISPATCH_CONFIG", raising=False)
    assert main(["report", "storm", str(storm_id), "--format", "csv", "-q"]) == 0
    cli_text = capsys.readouterr().out
    served_about, served_table = sheet(served_text)
    cli_about, cli_table = sheet(cli_text)
    assert served_table == cli_table
    moments = ("сформировано", "рассчитано")  # when each was asked for
    assert [r for r in served_about if r[0] not in moments] == \
        [r for r in cli_about if r[0] not in moments]
    about = dict(served_about)
    assert about["начало"] == "03.02.2026 16:00 (+10:00)"
    assert about["данные: КДМ 501"].startswith("подрядчик: ООО «Дорожник-27»; отметок: ")
    assert about["нормативы"] == "класс 1: 3 ч, класс 2: 5 ч, класс 3: 12 ч"
    rows = {r["Маршрут"]: r for r in csv.DictReader(io.StringIO(served_table), delimiter=";")}
    assert rows["ул. Ленина"]["Итог"] == "в норматив"
    assert rows["ул. Ленина"]["Подрядчик"] == "ООО «Дорожник-27»"
    assert rows["ул. Ленина"]["Убран"].startswith("03.02.2026 17:")
    assert (rows["ул. Северная"]["Итог"], rows["ул. Северная"]["Норматив, ч"]) == (
        "просрочено", "5")


def sheet(text: str) -> tuple[list[list[str]], str]:
    assert text.startswith("\ufeffпараметр;значение\r\n")
    about, table = text[1:].split("\r\n\r\n")
    return list(csv.reader(io.StringIO(about), delimiter=";"))[1:], table


def test_the_act_as_json_has_the_same_verdicts(storms: SignedIn) -> None:
    storm_id = declared(storms)
    status, act = api(storms, "GET", f"/api/storms/{storm_id}/act")
    assert status == 200
    verdicts = {r["route"]: (r["status"], r["status_label"], r["norm_h"]) for r in act["routes"]}
    assert verdicts == {"ул. Ленина": ("within_norm", "в норматив", 3.0),
                        "ул. Северная": ("overdue", "просрочено", 5.0)}
    assert act["from"] == "2026-02-03T06:00:00+00:00" and act["to"] == "2026-02-03T09:00:00+00:00"


def test_the_pages_list_storms_and_show_the_act(storms: SignedIn) -> None:
    storm_id = declared(storms)
    status, headers, raw = call(storms.served, "GET", "/storms")
    page = raw.decode("utf-8")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<a href="/storms" aria-current="page" class="gd-nav-active">Снегопады</a>' in page
    assert '<script type="module" src="/static/js/storms.js"></script>' in page
    status, _, raw = call(storms.served, "GET", f"/storms/{storm_id}")
    act = raw.decode("utf-8")
    assert status == 200
    assert "Акт выполненных работ: Метель 3 февраля" in act
    assert "Начало: 03.02.2026 16:00 (+10:00); окончание снегопада: 03.02.2026 17:00 (+10:00)" \
        in act
    assert f'<a href="/api/storms/{storm_id}/act?format=csv" data-act-csv download>' in act
    status, _, raw = call(storms.served, "GET", "/storms/424242")
    assert status == 404 and "Снегопад не найден" in raw.decode("utf-8")
    assert call(storms.served, "GET", "/storms/abc")[0] == 404
    assert call(storms.served, "GET", "/storms/" + "9" * 30)[0] == 404


def test_coverage_downloads_as_csv_for_a_window_typed_in_local_time(city: SignedIn) -> None:
    status, headers, raw = call(city.served, "GET", "/api/coverage?from=2026-02-03T16:55"
                                "&to=2026-02-03T18:00&format=csv")
    assert status == 200
    assert headers["Content-Disposition"] == (
        'attachment; filename="coverage-20260203-1655-20260203-1800.csv"')
    text = raw.decode("utf-8")
    assert text.startswith("\ufeffпараметр;значение\r\nокно с;03.02.2026 16:55 (+10:00)\r\n"
                           "окно по;03.02.2026 18:00 (+10:00)\r\n")
    table = text.split("\r\n\r\n")[1]
    states = {(r["Маршрут"], r["Состояние"])
              for r in csv.DictReader(io.StringIO(table), delimiter=";")}
    assert ("ул. Ленина", "убрано") in states and ("ул. Северная", "не убрано") in states
