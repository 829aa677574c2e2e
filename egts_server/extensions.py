"""Which implementation of the hot paths runs (the EGTS and NDTP codecs, the writer's COPY
encoder): the compiled kernels when built, else the pure-Python ones.

The pure modules are the reference; a compiled module shadows some of their functions with the
same contracts (``setup.py`` builds them when Cython and a C compiler are present). Its own
module, importing nothing of ours, so that ``codec`` and ``db`` both use it. The
environment variable ``GLONASS_NO_EXTENSIONS`` (any non-empty value) forces the pure ones, as
aiohttp's ``AIOHTTP_NO_EXTENSIONS`` does, for debugging and for comparing the two.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import Final

DISABLE_VARIABLE: Final = "GLONASS_NO_EXTENSIONS"
COMPILED: Final = "compiled"
PURE: Final = "pure"


def load_compiled(module: str) -> ModuleType | None:
    """The compiled module ``module``; None when it was not built (or is not wanted)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def extensions_wanted() -> bool:
    """False when ``GLONASS_NO_EXTENSIONS`` asks for the pure-Python implementation."""
    return not os.environ.get(DISABLE_VARIABLE)
