"""Validation of map marks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dispatch.marks import MarkError, parse_mark

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")


def feature(**props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [137.01, 50.55]},
            "properties": {"layer": "flooded_basement", "text": "ул. Ленина, 20", **props}}


def test_valid_mark_is_parsed_with_defaults() -> None:
    """A minimal Feature becomes an open, internal mark with its geometry."""
    mark = parse_mark(feature(), VLADIVOSTOK)
    assert (mark.layer, mark.status, mark.public) == ("flooded_basement", "open", False)
    assert mark.geometry.x == 137.01


@pytest.mark.parametrize(("change", "field"), [
    ({"properties": {"layer": "ufo"}}, "layer"),
    ({"geometry": {"type": "LineString", "coordinates": [[137, 50.5], [137.1, 50.6]]}},
     "geometry"),
    ({"geometry": {"type": "Point", "coordinates": [50.55, 137.01]}}, "geometry"),
    ({"properties": {"layer": "flooded_basement", "status": "done"}}, "status"),
    ({"properties": {"layer": "flooded_basement", "public": "yes"}}, "public"),
    ({"properties": {"layer": "flooded_basement", "valid_from": "2026-12-02T00:00:00Z",
                     "valid_to": "2026-12-01T00:00:00Z"}}, "valid_to"),
    ({"properties": {"layer": "flooded_basement", "valid_to": "tomorrow"}}, "valid_to"),
])
def test_bad_marks_name_the_field(change: dict[str, Any], field: str) -> None:
    """Each kind of bad input is refused naming the field at fault."""
    with pytest.raises(MarkError) as caught:
        parse_mark({**feature(), **change}, VLADIVOSTOK)
    assert caught.value.field == field


def test_partial_update_keeps_what_is_not_sent() -> None:
    """An update with only a status keeps the layer, geometry, text and validity."""
    original = parse_mark(feature(valid_to="2026-12-31T00:00:00+10:00", public=True),
                          VLADIVOSTOK)
    closed = parse_mark({"properties": {"status": "resolved"}}, VLADIVOSTOK, existing=original)
    assert closed.status == "resolved" and closed.public and closed.text == original.text
    assert closed.geometry.equals(original.geometry)
    assert closed.valid_to == datetime(2026, 12, 30, 14, 0, tzinfo=UTC)


def test_a_validity_without_offset_is_the_city_wall_clock() -> None:
    """``valid_to`` typed as 2026-12-31T00:00 means midnight in Vladivostok, 14:00 UTC before."""
    mark = parse_mark(feature(valid_from="2026-12-30T08:00", valid_to="2026-12-31T00:00"),
                      VLADIVOSTOK)
    assert mark.valid_from == datetime(2026, 12, 29, 22, 0, tzinfo=UTC)
    assert mark.valid_to == datetime(2026, 12, 30, 14, 0, tzinfo=UTC)
