"""How vehicles look on the dispatcher's maps: one table of kinds, colours and labels.

Colour means *kind* (what the machine can do), a golden ring means *working* (blade, brush or
spreader switched on), and a faded disc with a dashed rim means *no recent fix*. Keeping the
three cues on separate channels lets a dispatcher read all of them at a glance, and keeping the
table here keeps the legend, the layer names and the markers in step: the browser receives this
table as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

__all__ = [
    "KIND_STYLES",
    "OFFLINE_OPACITY",
    "WORKING_COLOUR",
    "KindStyle",
    "kind_style",
    "symbology_config",
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
    """The table in the shape ``maps/static/js/live_map.js`` expects (JSON-serialisable)."""
    return {
        "kinds": {
            s.kind: {"colour": s.colour, "label": s.label, "groupLabel": s.group_label}
            for s in KIND_STYLES
        },
        "fallbackKind": "other",
        "workingColour": WORKING_COLOUR,
        "offlineOpacity": OFFLINE_OPACITY,
    }
