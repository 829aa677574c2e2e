"""The live map's legend: vehicle kinds and states, route treatments and priorities, marks.

Plain HTML built once with the page; the swatches and symbols use the same styles
(``maps.styles``) that the map's scripts draw with, so the legend cannot drift from the map.
"""

from __future__ import annotations

import html
from typing import Final

from maps.styles import (
    KIND_STYLES,
    MARK_STYLES,
    OFFLINE_OPACITY,
    PRIORITY_STYLES,
    TREATMENT_STYLES,
    WORKING_COLOUR,
    symbol_svg,
)

__all__ = ["MARKS_LAYER_NAME", "ROUTES_LAYER_NAME", "VEHICLES_LAYER_NAME", "legend_html"]

VEHICLES_LAYER_NAME: Final = "Техника"
ROUTES_LAYER_NAME: Final = "Маршруты уборки"
MARKS_LAYER_NAME: Final = "Отметки"


def _swatch(colour: str, extra_class: str = "") -> str:
    classes = f"gd-swatch {extra_class}".strip()
    return (f'<span class="{classes}" style="--gd-colour:{html.escape(colour)};'
            f'--gd-working:{WORKING_COLOUR}"></span>')


_ARROW_SVG: Final = (
    '<svg class="gd-legend-arrow" viewBox="0 0 28 28" width="16" height="16" aria-hidden="true">'
    '<circle cx="14" cy="14" r="11" fill="#607d8b" stroke="#fff" stroke-width="2"/>'
    '<path d="M14 5.5 L19.5 19.5 L14 16.2 L8.5 19.5 Z" fill="#fff" '
    'transform="rotate(45 14 14)"/></svg>'
)
_OFFLINE_SVG: Final = (
    '<svg class="gd-legend-arrow" viewBox="0 0 28 28" width="16" height="16" aria-hidden="true"'
    f' opacity="{OFFLINE_OPACITY}">'
    '<circle cx="14" cy="14" r="11" fill="#607d8b" stroke="#37474f" stroke-width="2.5"'
    ' stroke-dasharray="3 2"/><circle cx="14" cy="14" r="3.5" fill="#fff"/></svg>'
)
_STALE_SVG: Final = (
    '<svg class="gd-legend-arrow" viewBox="0 0 28 28" width="16" height="16" aria-hidden="true"'
    ' opacity="0.85">'
    '<circle cx="14" cy="14" r="11" fill="#607d8b" stroke="#cfd8dc" stroke-width="2.5"'
    ' stroke-dasharray="1 2.5" stroke-linecap="round"/><circle cx="14" cy="14" r="3.5"'
    ' fill="#fff"/></svg>'
)
_STANDING_SVG: Final = (
    '<svg class="gd-legend-arrow" viewBox="0 0 28 28" width="16" height="16" aria-hidden="true">'
    '<circle cx="14" cy="14" r="11" fill="#607d8b" stroke="#fff" stroke-width="2"/>'
    '<circle cx="14" cy="14" r="3.5" fill="#fff"/></svg>'
)


def _line_svg(colour: str, weight: float, *, dashed: bool = False, width: int = 24) -> str:
    """A route line as drawn on the map (white casing, coloured line), for the legend."""
    dash = ' stroke-dasharray="5 3"' if dashed else ""
    cap = "butt" if dashed else "round"
    return (
        f'<svg class="gd-line-swatch" viewBox="0 0 {width} 10" width="{width}" height="10"'
        ' aria-hidden="true">'
        f'<path d="M2 5H{width - 2}" stroke="#fff" stroke-width="{weight + 3:g}"'
        ' stroke-linecap="round"/>'
        f'<path d="M2 5H{width - 2}" stroke="{html.escape(colour)}" stroke-width="{weight:g}"'
        f' stroke-linecap="{cap}"{dash}/></svg>'
    )


def _routes_legend() -> str:
    """Treatment colours with live counts, then what width and dashes mean."""
    rows = "".join(
        f"<tr><td>{_line_svg(t.colour, PRIORITY_STYLES[1].weight)}{html.escape(t.label)}</td>"
        f'<td class="gd-count" data-treatment-count="{html.escape(t.treatment)}">—</td></tr>'
        for t in TREATMENT_STYLES
    )
    widths = " ".join(
        f'<span class="gd-nowrap">{_line_svg("#546e7a", p.weight, width=16)}{p.priority}</span>'
        for p in PRIORITY_STYLES
    )
    return (
        f'<section class="gd-legend-routes"><h3>{html.escape(ROUTES_LAYER_NAME)}</h3>'
        f'<table>{rows}</table>'
        f'<div class="gd-legend-note" title="ширина линии — очерёдность уборки">'
        f"очередь {widths}</div>"
        f'<div class="gd-legend-note">{_line_svg("#546e7a", 4, dashed=True)}'
        "в одну сторону</div></section>"
    )


def _marks_legend() -> str:
    """One symbol per mark layer with the count of marks in force; faded means not in force."""
    rows = "".join(
        f"<tr><td>{symbol_svg(m.symbol)}{html.escape(m.group_label)}</td>"
        f'<td class="gd-count" data-mark-count="{html.escape(m.layer)}">—</td></tr>'
        for m in MARK_STYLES
    )
    example = next(m for m in MARK_STYLES if m.layer == "broken_elevator")
    faded = symbol_svg(example.symbol).replace(
        'class="gd-mark-symbol"', 'class="gd-mark-symbol gd-mark-inactive"'
    )
    return (
        f'<section class="gd-legend-marks"><h3>{html.escape(MARKS_LAYER_NAME)} '
        "<small>(действуют)</small></h3>"
        f"<table>{rows}</table>"
        f'<div class="gd-legend-note">{faded}устранена или вне срока</div></section>'
    )


def legend_html(element_id: str, *, routes: bool = False, marks: bool = False) -> str:
    """The panel's markup: vehicles by kind with live "online / total" cells and their cues,
    then (when on the page) routes and marks side by side to keep the panel short."""
    rows = "".join(
        f'<tr><td>{_swatch(s.colour)}{html.escape(s.group_label)}</td>'
        f'<td class="gd-count" data-kind-count="{html.escape(s.kind)}">—</td></tr>'
        for s in KIND_STYLES
    )
    states = (
        f'<tr><td>{_swatch("#607d8b", "gd-working")}</td><td>оборудование включено</td></tr>'
        f"<tr><td>{_STALE_SVG}</td><td>нет свежих отметок</td></tr>"
        f"<tr><td>{_OFFLINE_SVG}</td><td>нет связи</td></tr>"
        f"<tr><td>{_ARROW_SVG}</td><td>едет (стрелка — курс)</td></tr>"
        f"<tr><td>{_STANDING_SVG}</td><td>стоит</td></tr>"
    )
    context = (_routes_legend() if routes else "") + (_marks_legend() if marks else "")
    if context:
        context = f'<div class="gd-legend-context">{context}</div>'
    return (
        f'<div id="{html.escape(element_id)}" class="gd-box gd-panel" hidden>'
        '<button type="button" class="gd-box-toggle" data-box-toggle aria-expanded="true">'
        "Условные знаки</button><div class=\"gd-box-body\" data-box-body>"
        f"<h2>{html.escape(VEHICLES_LAYER_NAME)} <small>(на линии / всего)</small></h2>"
        f'<table class="gd-legend-kinds">{rows}</table>'
        f'<table class="gd-legend-states">{states}</table>'
        f"{context}"
        '<div class="gd-status" data-live-status role="status" aria-live="polite">'
        "Загрузка данных…</div>"
        '<div class="gd-status gd-status-error" data-context-status role="status"'
        ' aria-live="polite" hidden></div></div></div>'
    )
