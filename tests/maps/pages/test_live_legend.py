"""The live map's legend: every kind, state, treatment and mark layer named in Russian, each with
the count cell the page's script fills in."""

from __future__ import annotations

import pytest

from maps.pages.live_legend import legend_html
from maps.styles import KIND_STYLES, MARK_STYLES, TREATMENT_STYLES


@pytest.fixture(scope="module")
def legend() -> str:
    return legend_html("gd-legend", routes=True, marks=True)


def test_legend_lists_every_kind_and_state(legend: str) -> None:
    """The legend names every kind with a count cell, plus the working/offline/moving cues."""
    for style in KIND_STYLES:
        assert style.group_label in legend
        assert f'data-kind-count="{style.kind}"' in legend
    for cue in ("оборудование включено", "нет связи", "едет (стрелка — курс)", "стоит"):
        assert cue in legend
    assert "data-live-status" in legend


def test_legend_lists_treatments_and_mark_layers(legend: str) -> None:
    """The legend names each treatment and mark layer in Russian, with a live count cell."""
    for treatment in TREATMENT_STYLES:
        assert treatment.label in legend
        assert f'data-treatment-count="{treatment.treatment}"' in legend
    for mark in MARK_STYLES:
        assert mark.group_label in legend
        assert f'data-mark-count="{mark.layer}"' in legend
    for text in ("очистка плугом", "обработка ПГМ", "подметание", "неработающие лифты",
                 "подтопленные подвалы", "в одну сторону", "data-context-status"):
        assert text in legend


def test_the_context_sections_are_there_only_with_their_layers() -> None:
    vehicles_only = legend_html("gd-legend")
    assert "gd-legend-context" not in vehicles_only and "data-kind-count" in vehicles_only
    routes_only = legend_html("gd-legend", routes=True)
    assert "data-treatment-count" in routes_only and "data-mark-count" not in routes_only
    marks_only = legend_html("gd-legend", marks=True)
    assert "data-mark-count" in marks_only and "data-treatment-count" not in marks_only


def test_the_legend_starts_hidden_under_its_id() -> None:
    """The page's script shows it once it has placed it; the id is escaped."""
    assert legend_html('a"b').startswith('<div id="a&quot;b" class="gd-box gd-panel" hidden>')
