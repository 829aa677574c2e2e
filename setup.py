"""The compiled kernels (the codecs' hot paths, the writer's COPY encoder): built when Cython
and a C compiler are at hand, skipped otherwise.

Everything else about the distribution is in ``pyproject.toml``. Each extension shadows pure
functions that stay the reference (``egts_server.extensions``), so a build without a
compiler installs and runs the same, only slower; ``GLONASS_NO_EXTENSIONS=1`` at build time
skips the extensions on purpose.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

#: Every Cython source of the package becomes the extension module of its dotted path.
EXTENSIONS = {path.with_suffix("").as_posix().replace("/", "."): path.as_posix()
              for package in ("egts_server", "db")
              for path in sorted(Path(package).rglob("*.pyx"))}


class OptionalBuildExt(build_ext):
    """``build_ext`` that warns and carries on when the compiler fails."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # no compiler at all: the pure codec serves
            self._skipped(error)

    def build_extension(self, ext: object) -> None:
        try:
            super().build_extension(ext)
        except Exception as error:  # a compiler that cannot build it: the pure codec serves
            self._skipped(error)

    @staticmethod
    def _skipped(error: Exception) -> None:
        sys.stderr.write(f"compiled codec kernels skipped ({error}); the pure-Python codec "
                         "serves\n")


def _extensions() -> list[object]:
    if os.environ.get("GLONASS_NO_EXTENSIONS"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        sys.stderr.write("Cython is not installed: the compiled codec kernels are skipped\n")
        return []
    from setuptools import Extension

    modules = [Extension(name, [source]) for name, source in EXTENSIONS.items()]
    return list(cythonize(modules, build_dir="build/cython", quiet=True,
                          compiler_directives={"language_level": 3}))


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
