"""Working equipment's state in words a dispatcher reads: «отвал опущен», not «Входы 0b1».

The words follow the tool named in the vehicle registry (``equipment.tool``); without one, the
vehicle's kind implies it (a plough has a blade); otherwise the words are generic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

__all__ = ["EquipmentWords", "equipment_text", "equipment_words"]


@dataclass(frozen=True, slots=True)
class EquipmentWords:
    """What to say when the equipment is on, off, or nothing says which."""

    on: str
    off: str
    unknown: str = "нет данных"

    def say(self, active: bool | None) -> str:
        return self.unknown if active is None else (self.on if active else self.off)


_BLADE: Final = EquipmentWords("отвал опущен", "отвал поднят")
_SPREADER: Final = EquipmentWords("разбрасыватель работает", "разбрасыватель выключен")
_BRUSH: Final = EquipmentWords("щётка работает", "щётка поднята")
_LOADER: Final = EquipmentWords("погрузка", "погрузчик не работает")
_GENERIC: Final = EquipmentWords("оборудование работает", "оборудование выключено")

#: Tool names as the registry spells them (see dispatch.equipment.TOOL_TREATMENTS).
TOOL_WORDS: Final[Mapping[str, EquipmentWords]] = {
    "blade": _BLADE, "plough": _BLADE, "plow": _BLADE,
    "spreader": _SPREADER, "sander": _SPREADER,
    "brush": _BRUSH, "sweeper": _BRUSH,
    "loader": _LOADER,
}
KIND_WORDS: Final[Mapping[str, EquipmentWords]] = {
    "plow": _BLADE, "grader": _BLADE, "sander": _SPREADER, "sweeper": _BRUSH,
    "loader": _LOADER,
}


def equipment_words(kind: str | None, tool: str | None) -> EquipmentWords:
    """The words for a vehicle of ``kind`` whose registry names ``tool`` (either may be None)."""
    if tool:
        return TOOL_WORDS.get(tool.lower(), _GENERIC)
    return KIND_WORDS.get(kind or "", _GENERIC)


def equipment_text(active: bool | None, kind: str | None, tool: str | None) -> str:
    """``equipment_words(kind, tool).say(active)``: one state as a phrase."""
    return equipment_words(kind, tool).say(active)
