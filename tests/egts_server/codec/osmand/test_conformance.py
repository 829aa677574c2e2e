"""The OsmAnd corpus (tests/data/osmand/corpus.json), entry by entry.

Requests from an open-source server's test suite (real Traccar Client and OsmAnd requests) and
constructed malformed ones: each is read as the HTTP intake reads it (query string parsed into
its first values, or the JSON body), then checked: the status the intake answers (200 with or
without a fix, 400 naming the field) and every listed field of the fix.
"""

from __future__ import annotations

import urllib.parse
from datetime import UTC, datetime
from typing import Any

import pytest

from egts_server.codec.osmand import ReportFieldError, parse_json, parse_query, report_position
from egts_server.model import Position
from tests.egts_server.codec.corpus import assert_fix, load_corpus

CORPUS = load_corpus("osmand")
NOW = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)


def read(entry: dict[str, Any]) -> tuple[int, Position | None, str | None]:
    try:
        if entry["kind"] == "json":
            report = parse_json(entry["request"].encode())
        else:
            fields = {k: v[0] for k, v in urllib.parse.parse_qs(entry["request"]).items()}
            report = parse_query(fields)
    except ReportFieldError as error:
        return 400, None, error.field
    return 200, report_position(report, NOW), None


def test_corpus_size() -> None:
    assert len(CORPUS) == 27


@pytest.mark.parametrize("entry", CORPUS, ids=[e["name"] for e in CORPUS])
def test_entry(entry: dict[str, Any]) -> None:
    status, position, field = read(entry)
    assert (status, field) == (entry["status"], entry["field"])
    if entry["fix"] is None:
        assert position is None
        return
    assert position is not None
    assert_fix(position, entry["fix"], tolerance=1e-7, now=NOW)
