"""How things look on the dispatcher's maps: vehicles, clearing routes and marks.

Vehicles: colour means *kind* (what the machine can do), a golden ring means *working* (blade,
brush or spreader switched on), and a faded disc with a dashed rim means *no recent fix*. Keeping
the three cues on separate channels lets a dispatcher read all of them at a glance.

Routes are lines: colour means *treatment*, width means *priority*, dashes mean *one way*. Marks
are symbols whose *shape* says the layer (a warning sign, a lift badge, a water drop), so they
read apart from the round vehicle markers and without relying on colour alone.

Keeping the tables here keeps the legend, the layer names and what the browser draws in step:
the browser receives them as JSON and the legend is rendered from the same values.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from dispatch.routes import TREATMENT_LABELS

__all__ = [
    "CLOCK_STYLES",
    "DIRECTION_LABELS",
    "KIND_STYLES",
    "MARK_FALLBACK",
    "MARK_STATUS_LABELS",
    "MARK_STYLES",
    "OFFLINE_OPACITY",
    "PRIORITY_STYLES",
    "TREATMENT_FALLBACK",
    "TRACK_EQUIPMENT_COLOURS",
    "TRACK_SPEED_BANDS",
    "TRANSIT_COLOUR",
    "TREATMENT_STYLES",
    "VISIBILITY_LABELS",
    "WORKING_COLOUR",
    "KindStyle",
    "MarkStyle",
    "PriorityStyle",
    "SymbolPart",
    "TreatmentStyle",
    "clock_states_config",
    "context_config",
    "kind_style",
    "symbol_svg",
    "symbology_config",
    "track_colouring_config",
]


@dataclass(frozen=True, slots=True)
class KindStyle:
    """Presentation of one ``vehicles.kind`` value.

    ``label`` names one vehicle (popups), ``group_label`` the layer of all of them (layer control
    and legend).
    """

    kind: str
    colour: str
    label: str
    group_label: str


#: Same order and values as the CHECK constraint on ``vehicles.kind``. Colours are distinct
#: from each other and from WORKING_COLOUR, and dark enough for a white arrow on top.
KIND_STYLES: Final[tuple[KindStyle, ...]] = (
    KindStyle("plow", "#1565c0", "Снегоочиститель", "Снегоочистители"),
    KindStyle("grader", "#6a1b9a", "Автогрейдер", "Автогрейдеры"),
    KindStyle("sander", "#8d5524", "Пескоразбрасыватель", "Пескоразбрасыватели"),
    KindStyle("loader", "#e65100", "Погрузчик", "Погрузчики"),
    KindStyle("dump_truck", "#2e7d32", "Самосвал", "Самосвалы"),
    KindStyle("sweeper", "#00838f", "Подметально-уборочная машина", "Подметально-уборочные"),
    KindStyle("bus", "#ad1457", "Автобус", "Автобусы"),
    KindStyle("other", "#455a64", "Прочая техника", "Прочая техника"),
)

_BY_KIND: Final[Mapping[str, KindStyle]] = {s.kind: s for s in KIND_STYLES}

#: Ring and glow around a vehicle whose work equipment is on.
WORKING_COLOUR: Final = "#ffc400"
#: Marker opacity of a vehicle the server reports as offline (no fix for a while).
OFFLINE_OPACITY: Final = 0.55


def kind_style(kind: str) -> KindStyle:
    """The style of ``kind``; an unknown kind is drawn as "other" rather than dropped."""
    return _BY_KIND.get(kind, _BY_KIND["other"])


def symbology_config() -> dict[str, object]:
    """The table in the shape the live map's scripts expect (``maps/static/js/live_fleet.js``
    and ``live_context.js``), JSON-serialisable."""
    return {
        "kinds": {
            s.kind: {"colour": s.colour, "label": s.label, "groupLabel": s.group_label}
            for s in KIND_STYLES
        },
        "fallbackKind": "other",
        "workingColour": WORKING_COLOUR,
        "offlineOpacity": OFFLINE_OPACITY,
    }


# --- Tracks in playback ----------------------------------------------------------------------

#: A track coloured by its equipment: on, off, and no data (no sensor, or the fix lacked it).
TRACK_EQUIPMENT_COLOURS: Final[Mapping[str, str]] = {
    "on": "#e65100", "off": "#1565c0", "unknown": "#90a4ae",
}
#: A track coloured by speed: (upper bound in km/h or None for "and above", colour, label).
#: The first band is what trips and stops call standing (dispatch.trips' moving_kmh).
TRACK_SPEED_BANDS: Final[tuple[tuple[float | None, str, str], ...]] = (
    (3, "#90a4ae", "стоит"),
    (20, "#2e7d32", "до 20 км/ч"),
    (40, "#f9a825", "20–40 км/ч"),
    (60, "#ef6c00", "40–60 км/ч"),
    (None, "#c62828", "свыше 60 км/ч"),
)


def track_colouring_config() -> dict[str, object]:
    """Both colourings of a played-back track, in the shape ``playback.js`` reads."""
    return {
        "equipmentColours": dict(TRACK_EQUIPMENT_COLOURS),
        "speedBands": [{"below": below, "colour": colour, "label": label}
                       for below, colour, label in TRACK_SPEED_BANDS],
    }


# --- Clearing routes ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TreatmentStyle:
    """Presentation of one ``routes.treatment`` value (``label`` reads after "Вид работ:")."""

    treatment: str
    colour: str
    label: str


#: Same values as the CHECK constraint on ``routes.treatment``. Okabe–Ito hues, darkened where
#: needed for contrast on a light background: they stay apart for colour-blind viewers and
#: avoid green/red, which the coverage map reserves for served / not served.
TREATMENT_STYLES: Final[tuple[TreatmentStyle, ...]] = (
    TreatmentStyle("plough", "#0072b2", TREATMENT_LABELS["plough"]),
    TreatmentStyle("spread", "#d18b00", TREATMENT_LABELS["spread"]),
    TreatmentStyle("sweep", "#b8509a", TREATMENT_LABELS["sweep"]),
)
#: A treatment the page does not know yet is still drawn, in neutral grey.
TREATMENT_FALLBACK: Final = TreatmentStyle("", "#78909c", "другое")


@dataclass(frozen=True, slots=True)
class PriorityStyle:
    """Line width (px) and name of one route priority class (1 is served first)."""

    priority: int
    weight: float
    label: str


#: Same range as the CHECK constraint on ``routes.priority``: wider means sooner.
PRIORITY_STYLES: Final[tuple[PriorityStyle, ...]] = (
    PriorityStyle(1, 6.0, "1-я очередь"),
    PriorityStyle(2, 4.0, "2-я очередь"),
    PriorityStyle(3, 2.5, "3-я очередь"),
)

DIRECTION_LABELS: Final[Mapping[str, str]] = {
    "both": "в обе стороны",
    "as_drawn": "в одну сторону (по стрелке)",
}


# --- Marks ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SymbolPart:
    """One SVG path of a mark symbol, in a 24×24 view box."""

    d: str
    fill: str = "none"
    stroke: str = "none"
    stroke_width: float = 0.0


@dataclass(frozen=True, slots=True)
class MarkStyle:
    """Presentation of one ``marks.layer`` value.

    ``label`` names one mark (popup title), ``group_label`` the layer (legend). ``colour`` is
    used for line geometries (a stretch of road) and popup accents; ``symbol`` is drawn at
    points and at the middle of lines.
    """

    layer: str
    label: str
    group_label: str
    colour: str
    symbol: tuple[SymbolPart, ...]


_BADGE: Final = (
    "M5 2.5h14a2.5 2.5 0 0 1 2.5 2.5v14a2.5 2.5 0 0 1-2.5 2.5H5"
    "A2.5 2.5 0 0 1 2.5 19V5A2.5 2.5 0 0 1 5 2.5z"
)

#: Same layers as ``dispatch.marks.LAYERS``. Shapes after things a Russian dispatcher already
#: knows: road sign 1.33 "other dangers" for road state, a lift's call buttons, a water drop,
#: houses.
MARK_STYLES: Final[tuple[MarkStyle, ...]] = (
    MarkStyle(
        "road_state", "Состояние дороги", "состояние дорог", "#d32f2f",
        (
            SymbolPart("M12 2.6 22.4 20.6H1.6z", "#ffffff", "#d32f2f", 2.4),
            SymbolPart("M12 8.6v5.6", stroke="#212121", stroke_width=2.4),
            SymbolPart("M12 17.2v.2", stroke="#212121", stroke_width=2.6),
        ),
    ),
    MarkStyle(
        "broken_elevator", "Неработающий лифт", "неработающие лифты", "#6a3d9a",
        (
            SymbolPart(_BADGE, "#6a3d9a", "#ffffff", 1.6),
            SymbolPart("M12 5.6l3.8 4.6H8.2z", "#ffffff"),
            SymbolPart("M12 18.4l-3.8-4.6h7.6z", "#ffffff"),
        ),
    ),
    MarkStyle(
        "flooded_basement", "Подтопленный подвал", "подтопленные подвалы", "#1565c0",
        (
            SymbolPart("M12 1.8C9.5 5.6 4.6 10.6 4.6 15a7.4 7.4 0 0 0 14.8 0"
                       "C19.4 10.6 14.5 5.6 12 1.8z", "#1e88e5", "#ffffff", 1.6),
            SymbolPart("M7.9 13.6q2.05-1.5 4.1 0t4.1 0", stroke="#ffffff", stroke_width=1.6),
            SymbolPart("M7.9 17.2q2.05-1.5 4.1 0t4.1 0", stroke="#ffffff", stroke_width=1.6),
        ),
    ),
    # Areas (drawn as a light dashed outline) with their symbol in the middle.
    MarkStyle(
        "settlement", "Населённый пункт в черте города", "населённые пункты", "#8d6e63",
        (
            SymbolPart(_BADGE, "#8d6e63", "#ffffff", 1.6),
            SymbolPart("M5.6 17.6v-5.2l3.6-3 3.6 3v5.2z", "#ffffff"),
            SymbolPart("M12.8 17.6V9.8l2.8-2.4 2.8 2.4v7.8z", "#ffffff"),
        ),
    ),
    MarkStyle(
        "house_group", "Группа домов", "группы домов", "#455a64",
        (
            SymbolPart(_BADGE, "#455a64", "#ffffff", 1.6),
            SymbolPart("M12 5.8 18.2 11h-1.8v6.6H7.6V11H5.8z", "#ffffff"),
        ),
    ),
)
#: A layer added on the server before the page knows it: a grey diamond with an "i".
MARK_FALLBACK: Final = MarkStyle(
    "", "Отметка", "прочие отметки", "#78909c",
    (
        SymbolPart("M12 2.2 21.8 12 12 21.8 2.2 12z", "#78909c", "#ffffff", 1.6),
        SymbolPart("M12 11v5.4", stroke="#ffffff", stroke_width=2.2),
        SymbolPart("M12 7.6v.2", stroke="#ffffff", stroke_width=2.4),
    ),
)

#: ``marks.status`` in Russian (an "отметка" is feminine).
MARK_STATUS_LABELS: Final[Mapping[str, str]] = {
    "open": "открыта",
    "in_progress": "в работе",
    "resolved": "устранена",
}
#: ``marks.public``: shown on the city's public page, or to staff only.
VISIBILITY_LABELS: Final[Mapping[bool, str]] = {True: "публичная", False: "служебная"}


def symbol_svg(symbol: tuple[SymbolPart, ...], size: int = 16) -> str:
    """A mark symbol as inline SVG markup, for the legend (the browser builds the same as DOM)."""
    paths = "".join(
        f'<path d="{html.escape(p.d)}" fill="{html.escape(p.fill)}"'
        f' stroke="{html.escape(p.stroke)}" stroke-width="{p.stroke_width:g}"/>'
        for p in symbol
    )
    return (
        f'<svg class="gd-mark-symbol" viewBox="0 0 24 24" width="{size}" height="{size}"'
        f' aria-hidden="true">{paths}</svg>'
    )


def _symbol_json(symbol: tuple[SymbolPart, ...]) -> list[dict[str, object]]:
    return [
        {"d": p.d, "fill": p.fill, "stroke": p.stroke, "strokeWidth": p.stroke_width}
        for p in symbol
    ]


def _mark_json(m: MarkStyle) -> dict[str, object]:
    return {"label": m.label, "groupLabel": m.group_label, "colour": m.colour,
            "symbol": _symbol_json(m.symbol)}


def context_config() -> dict[str, object]:
    """Route and mark tables in the shape ``live_context.js`` expects (JSON-ready)."""
    return {
        "treatments": {t.treatment: {"colour": t.colour, "label": t.label}
                       for t in TREATMENT_STYLES},
        "fallbackTreatment": {"colour": TREATMENT_FALLBACK.colour,
                              "label": TREATMENT_FALLBACK.label},
        "priorities": {str(p.priority): {"weight": p.weight, "label": p.label}
                       for p in PRIORITY_STYLES},
        "fallbackPriority": {"weight": PRIORITY_STYLES[-1].weight, "label": "не задан"},
        "directions": dict(DIRECTION_LABELS),
        "markLayers": {m.layer: _mark_json(m) for m in MARK_STYLES},
        "fallbackMarkLayer": _mark_json(MARK_FALLBACK),
        "markStatuses": dict(MARK_STATUS_LABELS),
        "visibility": {"public": VISIBILITY_LABELS[True], "internal": VISIBILITY_LABELS[False]},
    }


#: Bus lines on uncleared streets and the buses on them, on /storm and the live map.
TRANSIT_COLOUR: Final = "#6a1b9a"
#: A stretch's state on the storm clock -> (colour, dash pattern, Russian label), in the order a
#: dispatcher deals with them.
CLOCK_STYLES: Final[dict[str, tuple[str, str | None, str]]] = {
    "breached": ("#c62828", None, "норматив нарушен"),
    "at_risk": ("#ef6c00", "10 6", "под угрозой (прогноз позже срока)"),
    "on_track": ("#1565c0", None, "успевают к сроку"),
    "waiting": ("#78909c", "2 6", "снегопад не объявлен оконченным"),
    "cleared_late": ("#8e24aa", None, "убрано с опозданием"),
    "cleared_in_time": ("#2e7d32", None, "убрано в срок"),
}


def clock_states_config() -> dict[str, dict[str, str | None]]:
    """The clock states as the browser side reads them (colour, dash, label by state)."""
    return {k: {"colour": c, "dash": d, "label": label}
            for k, (c, d, label) in CLOCK_STYLES.items()}
