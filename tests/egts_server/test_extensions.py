"""Choosing the hot paths' implementation: a compiled module when it was built and is wanted."""

from __future__ import annotations

import sys

import pytest

from egts_server.extensions import DISABLE_VARIABLE, extensions_wanted, load_compiled


def test_a_module_that_imports_is_returned_itself() -> None:
    assert load_compiled("egts_server.extensions") is sys.modules["egts_server.extensions"]


def test_a_module_that_was_not_built_is_none() -> None:
    """An unbuilt kernel is no error: the pure-Python functions serve instead."""
    assert load_compiled("egts_server.codec.egts._compiled_never_built") is None


@pytest.mark.parametrize(("value", "wanted"), [(None, True), ("", True), ("1", False),
                                               ("0", False), ("yes", False)])
def test_any_non_empty_value_of_the_variable_asks_for_pure_python(
        monkeypatch: pytest.MonkeyPatch, value: str | None, wanted: bool) -> None:
    """As with aiohttp's switch, the value is not read: set and non-empty means pure Python."""
    if value is None:
        monkeypatch.delenv(DISABLE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(DISABLE_VARIABLE, value)
    assert DISABLE_VARIABLE == "GLONASS_NO_EXTENSIONS"
    assert extensions_wanted() is wanted
