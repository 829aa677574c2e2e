"""The audit trail for people: labels, the CSV for spreadsheets and the terminal's table."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from db.audit import AuditEntry
from db.migrate import available
from maps.api.audit_export import (
    ACTION_LABELS,
    CSV_HEADERS,
    KIND_LABELS,
    audit_csv,
    audit_table,
    entry_view,
)

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
AT = datetime(2026, 12, 5, 22, 30, 15, tzinfo=UTC)
UPDATE = AuditEntry(7, AT, "ivanova", "dispatcher", "10.0.0.5", "update", "mark", "12",
                    {"text": "скользко", "status": "open"}, {"text": "посыпано"}, None)
SYSTEM = AuditEntry(8, AT, None, None, None, "wipe", "table", None, None, None, "=1+1")


def test_every_kind_the_audit_triggers_record_has_a_label() -> None:
    """An object the database records must be filterable and named in Russian."""
    recorded = {kind for migration in available()
                for kind in re.findall(r"audit_row_change\('(\w+)'", migration.sql)}
    assert "route" in recorded and recorded - set(KIND_LABELS) == set()


def test_an_entry_as_json_carries_its_labels() -> None:
    assert entry_view(UPDATE) == {
        "id": 7, "at": "2026-12-05T22:30:15+00:00", "actor": "ivanova", "role": "dispatcher",
        "address": "10.0.0.5", "action": "update", "action_label": "изменение", "kind": "mark",
        "kind_label": "метка", "object_id": "12", "before": {"text": "скользко", "status": "open"},
        "after": {"text": "посыпано"}, "detail": None}


def test_an_unknown_action_or_kind_is_shown_as_recorded() -> None:
    view = entry_view(SYSTEM)
    assert (view["action_label"], view["kind_label"]) == ("wipe", "table")


def test_csv_rows_have_local_times_labels_and_sorted_json_values() -> None:
    lines = audit_csv([UPDATE, SYSTEM], VLADIVOSTOK).split("\r\n")
    assert lines == [
        "\ufeff" + ";".join(CSV_HEADERS),
        '06.12.2026 08:30:15 (+10:00);ivanova;dispatcher;10.0.0.5;изменение;метка;12;'
        '"{""status"": ""open"", ""text"": ""скользко""}";"{""text"": ""посыпано""}";',
        "06.12.2026 08:30:15 (+10:00);;;;wipe;table;;;;'=1+1",  # a formula stays text
        ""]


def test_the_table_has_a_line_per_entry_without_values() -> None:
    assert audit_table([UPDATE, SYSTEM], VLADIVOSTOK).splitlines() == [
        f"{'время':<28} {'кто':<16} {'действие':<16} {'объект':<18} идентификатор",
        f"{'06.12.2026 08:30:15 (+10:00)':<28} {'ivanova':<16} {'изменение':<16} "
        f"{'метка':<18} 12",
        f"{'06.12.2026 08:30:15 (+10:00)':<28} {'-':<16} {'wipe':<16} {'table':<18} -  (=1+1)"]
    assert "скользко" not in audit_table([UPDATE], VLADIVOSTOK)


def test_labels_are_unique() -> None:
    """Two actions or kinds with one label could not be told apart in the trail."""
    for labels in (ACTION_LABELS, KIND_LABELS):
        assert len(set(labels.values())) == len(labels)
