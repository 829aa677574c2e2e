"""The audit trail for people: Russian labels, local times, a CSV for spreadsheets, a table.

Shared by ``/api/audit`` (and its CSV download) and ``glonass-dispatch audit``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from db.audit import AuditEntry

ACTION_LABELS: Final = {
    "create": "создание",
    "update": "изменение",
    "delete": "удаление",
    "restore": "восстановление",
    "sign_in": "вход",
    "sign_in_failed": "неудачный вход",
    "sign_in_throttled": "вход отклонён: слишком много попыток",
    "sign_out": "выход",
}
KIND_LABELS: Final = {
    "route": "маршрут",
    "mark": "метка",
    "storm": "снегопад",
    "vehicle": "ТС",
    "terminal": "терминал",
    "terminal_command": "команда терминалу",
    "user": "учётная запись",
    "session": "сеанс",
    "coverage_act": "акт покрытия",
}
CSV_HEADERS: Final = ("Время", "Кто", "Роль", "Адрес", "Действие", "Объект", "Идентификатор",
                      "Было", "Стало", "Подробности")


def local_time(value: datetime | None, zone: ZoneInfo) -> str:
    """``2026-12-05 18:04:05+10:00``: the local wall time with its offset."""
    return "" if value is None else value.astimezone(zone).isoformat(" ", "seconds")


def entry_view(entry: AuditEntry) -> dict[str, Any]:
    """An entry as JSON, with its Russian labels (the page shows times in the city's zone)."""
    return {"id": entry.id, "at": entry.at.isoformat(), "actor": entry.actor,
            "role": entry.role, "address": entry.address, "action": entry.action,
            "action_label": ACTION_LABELS.get(entry.action, entry.action), "kind": entry.kind,
            "kind_label": KIND_LABELS.get(entry.kind, entry.kind), "object_id": entry.object_id,
            "before": entry.before, "after": entry.after, "detail": entry.detail}


def audit_csv(entries: Sequence[AuditEntry], zone: ZoneInfo) -> str:
    """UTF-8 with BOM, ``;`` between fields, Russian headers: opens as is in Excel."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for e in entries:
        writer.writerow([safe_cell(v) for v in (
            local_time(e.at, zone), e.actor, e.role, e.address,
            ACTION_LABELS.get(e.action, e.action), KIND_LABELS.get(e.kind, e.kind), e.object_id,
            _json(e.before), _json(e.after), e.detail)])
    return out.getvalue()


def audit_table(entries: Sequence[AuditEntry], zone: ZoneInfo) -> str:
    """One line per entry for a terminal, without the values (see ``--format csv``)."""
    lines = [f"{'время':<25} {'кто':<16} {'действие':<16} {'объект':<18} идентификатор"]
    for e in entries:
        lines.append(f"{local_time(e.at, zone):<25} {e.actor or '-':<16} "
                     f"{ACTION_LABELS.get(e.action, e.action):<16} "
                     f"{KIND_LABELS.get(e.kind, e.kind):<18} {e.object_id or '-'}"
                     + (f"  ({e.detail})" if e.detail else ""))
    return "\n".join(lines) + "\n"


def safe_cell(text: str | None) -> str:
    """A spreadsheet must not take a login or a text for a formula (``=HYPERLINK(...)``)."""
    if not text:
        return ""
    return "'" + text if text[0] in "=+-@\t\r" else text


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
