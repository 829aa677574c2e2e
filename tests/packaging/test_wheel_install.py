"""A normal (non-editable) install: build the wheel, install it into a clean virtualenv, use it.

``make`` installs the project editable, which finds every module in the checkout whatever
``pyproject.toml`` says; only a real wheel shows what users and deployments get. The wheel is
built from a copy of the sources, installed with pip into a fresh virtualenv, and exercised from a
directory outside the checkout with ``python -I`` (no PYTHONPATH, no current directory on the
path). The third-party dependencies come from the test environment through a ``.pth`` line, which
adds their directory to ``sys.path`` without running that directory's own ``.pth`` hooks, so the
editable install there cannot leak the checkout in; every imported module is checked to come from
the clean virtualenv.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dispatch.demo_city import demo_bus_lines, demo_marks, demo_routes

pytestmark = pytest.mark.packaging

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("egts_server", "db", "dispatch", "maps")
NOT_SHIPPED = ("maps/screenshots/",)  # README pictures, not needed to run
PROBE = Path(__file__).with_name("installed_probe.py")
CYTHON_SOURCES = (".pyx", ".pxd", ".pxi")  # compiled into the extension modules, not shipped


@dataclass(frozen=True)
class Installed:
    source: Path
    wheel: Path
    venv: Path
    build_log: str
    report: Mapping[str, Any]


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def _run(*argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in argv], cwd=cwd, env=_clean_env(), text=True,
                          capture_output=True, check=False, timeout=300)


def _checked(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _copy_sources(into: Path) -> None:
    # extensions built in place in the checkout are not sources: the wheel builds its own
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "*.so")
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(REPO / name, into / name)
    for package in PACKAGES:
        shutil.copytree(REPO / package, into / package, ignore=ignore)


def _source_files(source: Path) -> set[str]:
    """What the wheel ships of the sources: everything but what is only compiled from."""
    files = {p.relative_to(source).as_posix()
             for package in PACKAGES for p in (source / package).rglob("*") if p.is_file()}
    return {f for f in files
            if not f.startswith(NOT_SHIPPED) and not f.endswith(CYTHON_SOURCES)}


def _compiled_modules(source: Path) -> set[str]:
    """The extension module each Cython source becomes, as the wheel names it."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    return {p.relative_to(source).with_suffix(suffix).as_posix()
            for package in PACKAGES for p in (source / package).rglob("*.pyx")}


def _can_compile() -> bool:
    return importlib.util.find_spec("Cython") is not None and shutil.which("cc") is not None


def _module_name(relative: str) -> str:
    parts = relative.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel built from a copy of the sources and installed into a fresh virtualenv."""
    root = tmp_path_factory.mktemp("wheel")
    source, dist, venv, outside = (root / n for n in ("source", "dist", "venv", "elsewhere"))
    for folder in (source, outside):
        folder.mkdir()
    _copy_sources(source)
    build_log = _checked(_run(sys.executable, "-m", "pip", "wheel", "-v", "--no-deps",
                              "--no-build-isolation", "--no-index", "-w", dist, source,
                              cwd=outside))
    (wheel,) = dist.glob("glonass_dispatch-*.whl")
    _checked(_run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=outside))
    python = venv / "bin" / "python"
    site = Path(_checked(_run(python, "-I", "-c", "import sysconfig; "
                              "print(sysconfig.get_path('purelib'), end='')", cwd=outside)))
    (site / "test_environment_dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    _checked(_run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
                  "--no-index", wheel, cwd=outside))
    probe = _run(python, "-I", PROBE, cwd=outside)
    assert probe.returncode == 0, probe.stderr
    return Installed(source, wheel, venv, build_log, json.loads(probe.stdout))


def test_build_prints_no_setuptools_warning(installed: Installed) -> None:
    """The build configuration is unambiguous: setuptools warns about nothing."""
    assert re.findall(r"\b\w*Warning\b.*", installed.build_log) == []


def test_wheel_ships_every_file_of_the_packages(installed: Installed) -> None:
    """Modules, migrations, demo data and web assets are all in the wheel, and the compiled codec
    kernels where Cython and a C compiler are at hand; screenshots and Cython sources are not."""
    with zipfile.ZipFile(installed.wheel) as wheel:
        shipped = {n for n in wheel.namelist() if ".dist-info/" not in n}
    compiled = _compiled_modules(installed.source) if _can_compile() else set()
    assert shipped == _source_files(installed.source) | compiled


@pytest.mark.skipif(not _can_compile(), reason="no Cython or no C compiler: pure Python serves")
def test_installed_codec_runs_compiled(installed: Installed) -> None:
    """A wheel built with a compiler serves EGTS with the compiled kernels by default."""
    assert installed.report["egts_implementation"] == "compiled"


def test_every_module_imports_from_the_clean_install(installed: Installed) -> None:
    """Each module of the distribution imports, and from the virtualenv, never the checkout."""
    modules: Mapping[str, str] = installed.report["modules"]
    assert installed.report["import_errors"] == {}
    expected = {_module_name(f) for f in _source_files(installed.source) if f.endswith(".py")}
    assert set(modules) == expected
    site = installed.report["site_packages"]
    assert site.startswith(str(installed.venv.resolve()))
    assert [m for m, origin in modules.items() if not origin.startswith(site + os.sep)] == []
    # the test environment's own site-packages (third-party libraries) may live under the
    # checkout, as .venv does; the checkout's sources never may
    libraries = sysconfig.get_paths()["purelib"]
    assert [p for p in installed.report["sys_path"]
            if p.startswith(str(REPO)) and not p.startswith(libraries)] == []


def test_installed_packages_find_their_data(installed: Installed) -> None:
    """Migrations, the demo city and the vendored assets are found inside the installation."""
    report = installed.report["data"]
    migrations = sorted(p.name for p in (REPO / "db" / "migrations").glob("*.sql"))
    assert report["migrations"] == migrations
    assert report["demo_sizes"] == [len(demo_routes()), len(demo_marks()), len(demo_bus_lines())]
    assert report["static_dir"].startswith(installed.report["site_packages"] + os.sep)
    assert report["missing_assets"] == []


def test_declared_dependencies_are_satisfied(installed: Installed) -> None:
    """pip finds every requirement the wheel declares, at an allowed version."""
    done = _run(sys.executable, "-m", "pip", "--python", installed.venv / "bin" / "python",
                "check", cwd=installed.venv)
    assert (done.returncode, done.stdout.strip()) == (0, "No broken requirements found.")


def test_console_script_prints_serve_help(installed: Installed) -> None:
    """The installed ``glonass-dispatch`` command starts and describes ``serve``."""
    done = _run(installed.venv / "bin" / "glonass-dispatch", "serve", "--help",
                cwd=installed.venv)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: glonass-dispatch serve")
    assert "--simulate" in done.stdout
