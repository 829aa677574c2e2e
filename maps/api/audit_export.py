"""The audit trail for people: Russian labels, local times, a CSV for spreadsheets, a table.

Shared by ``/api/audit`` (and its CSV download) and ``glonass-dispatch audit``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import tzinfo
from typing import Any, Final

from db.audit import AuditEntry
from dispatch.local_time import local_text
from dispatch.sheets import sheet_csv

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
    "alert": "тревога",
}
CSV_HEADERS: Final = ("Время", "Кто", "Роль", "Адрес", "Действие", "Объект", "Идентификатор",
                      "Было", "Стало", "Подробности")


def entry_view(entry: AuditEntry) -> dict[str, Any]:
    """An entry as JSON, with its Russian labels (the page shows times in the city's zone)."""
    return {"id": entry.id, "at": entry.at.isoformat(), "actor": entry.actor,
            "role": entry.role, "address": entry.address, "action": entry.action,
            "action_label": ACTION_LABELS.get(entry.action, entry.action), "kind": entry.kind,
            "kind_label": KIND_LABELS.get(entry.kind, entry.kind), "object_id": entry.object_id,
            "before": entry.before, "after": entry.after, "detail": entry.detail}


def audit_csv(entries: Sequence[AuditEntry], zone: tzinfo) -> str:
    """UTF-8 with BOM, ``;`` between fields, Russian headers: opens as is in Excel."""
    return sheet_csv(CSV_HEADERS, ((
        local_text(e.at, zone, seconds=True), e.actor, e.role, e.address,
        ACTION_LABELS.get(e.action, e.action), KIND_LABELS.get(e.kind, e.kind), e.object_id,
        _json(e.before), _json(e.after), e.detail) for e in entries))


def audit_table(entries: Sequence[AuditEntry], zone: tzinfo) -> str:
    """One line per entry for a terminal, without the values (see ``--format csv``)."""
    lines = [f"{'время':<28} {'кто':<16} {'действие':<16} {'объект':<18} идентификатор"]
    for e in entries:
        lines.append(f"{local_text(e.at, zone, seconds=True):<28} {e.actor or '-':<16} "
                     f"{ACTION_LABELS.get(e.action, e.action):<16} "
                     f"{KIND_LABELS.get(e.kind, e.kind):<18} {e.object_id or '-'}"
                     + (f"  ({e.detail})" if e.detail else ""))
    return "\n".join(lines) + "\n"


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
