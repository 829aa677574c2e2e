"""Styling tables: in step with the database's values, distinct, and valid as SVG and JSON."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from dispatch.demo_city import DIRECTIONS, MARK_LAYERS, MARK_STATUSES, TREATMENTS
from dispatch.marks import LAYERS, STATUSES
from maps.styles import (
    DIRECTION_LABELS,
    KIND_STYLES,
    MARK_FALLBACK,
    MARK_STATUS_LABELS,
    MARK_STYLES,
    PRIORITY_STYLES,
    TREATMENT_STYLES,
    context_config,
    symbol_svg,
)

SCHEMA = Path(__file__).resolve().parents[2] / "db/migrations/0001_schema.sql"


def check_values(column: str) -> list[str]:
    """The values a CHECK (column IN (...)) constraint in the schema allows."""
    match = re.search(rf"CHECK \({column} IN \(([^)]*)\)\)", SCHEMA.read_text(encoding="utf-8"))
    assert match, column
    return re.findall(r"'([^']+)'", match.group(1))


def test_every_treatment_the_schema_allows_has_a_style() -> None:
    """Treatments follow the routes table's CHECK constraint, in its order."""
    assert [t.treatment for t in TREATMENT_STYLES] == check_values("treatment")
    assert [t.treatment for t in TREATMENT_STYLES] == list(TREATMENTS)


def test_every_direction_and_priority_has_a_label() -> None:
    """Both directions and priorities 1..3 (the schema's range) read in Russian."""
    assert list(DIRECTION_LABELS) == check_values("direction") == list(DIRECTIONS)
    assert [p.priority for p in PRIORITY_STYLES] == [1, 2, 3]
    weights = [p.weight for p in PRIORITY_STYLES]
    assert weights == sorted(weights, reverse=True)  # first priority is the widest line


def test_every_mark_layer_and_status_has_a_style() -> None:
    """Every layer the marks API accepts, and every status, is drawn and named."""
    assert [m.layer for m in MARK_STYLES] == list(LAYERS)
    assert set(MARK_LAYERS) <= set(LAYERS)  # the demo city uses a subset
    assert list(MARK_STATUS_LABELS) == list(STATUSES) == list(MARK_STATUSES)


def test_colours_and_symbols_are_distinct() -> None:
    """No two treatments share a colour; no two mark layers share a symbol."""
    colours = [t.colour for t in TREATMENT_STYLES]
    assert len(set(colours)) == len(colours)
    symbols = [m.symbol for m in (*MARK_STYLES, MARK_FALLBACK)]
    assert len(set(symbols)) == len(symbols)
    # route lines do not reuse a vehicle colour, so a machine on its route stays visible
    assert not set(colours) & {k.colour for k in KIND_STYLES}


def test_symbol_svg_is_well_formed() -> None:
    """Each legend symbol parses as SVG with one path per part."""
    for mark in (*MARK_STYLES, MARK_FALLBACK):
        root = ET.fromstring(symbol_svg(mark.symbol, 20))
        assert root.tag == "svg" and root.get("width") == "20"
        assert len(root.findall("path")) == len(mark.symbol)


def test_context_config_is_json() -> None:
    """The browser's table is plain JSON with every layer and treatment in it."""
    config = json.loads(json.dumps(context_config()))
    assert set(config["treatments"]) == set(TREATMENTS)
    assert set(config["markLayers"]) == set(LAYERS)
    assert config["priorities"]["1"]["label"] == "1-я очередь"
    assert config["visibility"] == {"public": "публичная", "internal": "служебная"}
