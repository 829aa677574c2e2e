"""The COPY encoders the tests run: the pure reference, and the compiled one when it was built."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from db import copy_binary
from db.positions import FixRow
from egts_server.extensions import load_compiled

Encoder = Callable[[Sequence[FixRow]], bytes]

COMPILED_MODULE: Any = load_compiled("db._compiled_copy")
PURE: Encoder = copy_binary.encode_copy
COMPILED: Encoder | None = None if COMPILED_MODULE is None else COMPILED_MODULE.encode_copy

ENCODERS = [pytest.param(PURE, id="pure"),
            pytest.param(COMPILED, id="compiled",
                         marks=pytest.mark.skipif(COMPILED is None,
                                                  reason="the compiled encoder was not built"))]
