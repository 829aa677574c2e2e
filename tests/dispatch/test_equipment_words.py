"""Equipment states in the words a dispatcher reads."""

from __future__ import annotations

import pytest

from dispatch.equipment_words import equipment_text, equipment_words


@pytest.mark.parametrize(("kind", "tool", "on", "off"), [
    ("plow", "blade", "отвал опущен", "отвал поднят"),
    ("other", "Spreader", "разбрасыватель работает", "разбрасыватель выключен"),
    ("sweeper", None, "щётка работает", "щётка поднята"),
    ("grader", None, "отвал опущен", "отвал поднят"),
    ("bus", None, "оборудование работает", "оборудование выключено"),
    (None, "snow-melter", "оборудование работает", "оборудование выключено"),
])
def test_the_tool_or_else_the_kind_chooses_the_words(kind: str | None, tool: str | None,
                                                     on: str, off: str) -> None:
    words = equipment_words(kind, tool)
    assert (words.on, words.off, words.unknown) == (on, off, "нет данных")


def test_a_state_becomes_one_phrase() -> None:
    assert equipment_text(True, "plow", None) == "отвал опущен"
    assert equipment_text(False, "sander", "spreader") == "разбрасыватель выключен"
    assert equipment_text(None, "plow", "blade") == "нет данных"
