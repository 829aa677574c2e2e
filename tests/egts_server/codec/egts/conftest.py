"""Every EGTS codec test runs with each implementation of the hot path (``conftest`` above)."""

from __future__ import annotations

import pytest

from egts_server.codec.egts.kernels import Kernels


@pytest.fixture(autouse=True, scope="module")
def each_implementation(egts_implementation: Kernels) -> Kernels:
    return egts_implementation
