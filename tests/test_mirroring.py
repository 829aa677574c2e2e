"""The tests mirror the packages: a module's tests are found from its path.

For ``pkg/sub/mod.py`` they are ``tests/pkg/sub/test_mod.py`` (or ``test_mod_<aspect>.py`` when
one module needs several files). A module with no behaviour of its own is listed below with
the reason; anything else without its test file fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[1]
PACKAGES: Final = ("egts_server", "dispatch", "maps", "db")

#: Modules without a test file of their own, and why none is needed.
WIRING: Final[dict[str, str]] = {
    "egts_server/cli/__main__.py": "two lines: runs cli.main for `python -m egts_server.cli`",
    "egts_server/cli/serve.py": "passes its flags to egts_server.serve (tests/egts_server/"
                                "test_serve.py runs it through the CLI)",
    "db/errors.py": "declares the storage layer's base exception; its subclasses are tested "
                    "in tests/db/test_pool.py",
}


def modules() -> list[str]:
    return sorted(str(path.relative_to(ROOT)) for package in PACKAGES
                  for path in (ROOT / package).rglob("*.py")
                  if path.name != "__init__.py" and "migrations" not in path.parts)


def has_test_file(module: str) -> bool:
    path = Path(module)
    folder = ROOT / "tests" / path.parent
    return any(folder.glob(f"test_{path.stem}.py")) or any(folder.glob(f"test_{path.stem}_*.py"))


def test_every_module_has_a_test_file_named_after_it() -> None:
    assert [m for m in modules() if m not in WIRING and not has_test_file(m)] == []


def test_the_wiring_list_names_only_modules_without_tests() -> None:
    """An entry that exists no more, or whose module got tests, leaves the list."""
    assert {m for m in WIRING if m not in modules() or has_test_file(m)} == set()
