"""Every NDTP codec test runs with each implementation of the hot path (``conftest`` above)."""

from __future__ import annotations

import pytest

from egts_server.codec.ndtp.kernels import Kernels


@pytest.fixture(autouse=True, scope="module")
def each_implementation(ndtp_implementation: Kernels) -> Kernels:
    return ndtp_implementation
