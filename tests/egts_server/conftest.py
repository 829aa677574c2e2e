"""The EGTS and NDTP codecs' tests run once per implementation of their hot paths: pure, and
compiled when it was built (``egts_server.codec.egts.kernels``, ``codec.ndtp.kernels``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from egts_server.codec.egts import kernels
from egts_server.codec.egts.kernels import Kernels
from egts_server.codec.ndtp import kernels as ndtp_kernels

IMPLEMENTATIONS = [k for k in (kernels.PURE, kernels.COMPILED) if k is not None]
NDTP_IMPLEMENTATIONS = [k for k in (ndtp_kernels.PURE, ndtp_kernels.COMPILED) if k is not None]


@pytest.fixture(scope="module", params=IMPLEMENTATIONS, ids=[k.name for k in IMPLEMENTATIONS])
def egts_implementation(request: pytest.FixtureRequest) -> Iterator[Kernels]:
    """Every EGTS ``Session`` made in the test uses this implementation unless told otherwise."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kernels, "ACTIVE", request.param)
        yield request.param


@pytest.fixture(scope="module", params=NDTP_IMPLEMENTATIONS,
                ids=[k.name for k in NDTP_IMPLEMENTATIONS])
def ndtp_implementation(request: pytest.FixtureRequest) -> Iterator[ndtp_kernels.Kernels]:
    """Every NDTP ``Session`` made in the test uses this implementation unless told otherwise."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ndtp_kernels, "ACTIVE", request.param)
        yield request.param
