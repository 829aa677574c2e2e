"""The EGTS codec's tests run once per implementation of its hot path: pure, and compiled when
it was built (``egts_server.codec.egts.kernels``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from egts_server.codec.egts import kernels
from egts_server.codec.egts.kernels import Kernels

IMPLEMENTATIONS = [k for k in (kernels.PURE, kernels.COMPILED) if k is not None]


@pytest.fixture(scope="module", params=IMPLEMENTATIONS, ids=[k.name for k in IMPLEMENTATIONS])
def egts_implementation(request: pytest.FixtureRequest) -> Iterator[Kernels]:
    """Every ``Session`` made in the test uses this implementation unless told otherwise."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kernels, "ACTIVE", request.param)
        yield request.param
