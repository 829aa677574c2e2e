"""The NAVDATA decoder of the server's NDTP path, in one implementation or the other.

``PURE`` has none: the session reads every body with the cells and to_positions modules, the
readable reference. ``COMPILED`` has the Cython module ``_compiled_navdata``'s
``navdata_positions`` and ``navdata_frame`` (None when it was not built), which read the usual
bodies and frames and leave the others to the pure path; the differential tests hold both
equal. ``ACTIVE`` is what a ``Session`` uses unless told otherwise
(``egts_server.extensions``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, NamedTuple

from egts_server.extensions import COMPILED as COMPILED_NAME
from egts_server.extensions import PURE as PURE_NAME
from egts_server.extensions import extensions_wanted, load_compiled
from egts_server.model import DeviceKey, Position

#: (body, device, history) -> the body's fixes, or None: the pure path reads this body.
NavdataPositions = Callable[[bytes, DeviceKey, bool], tuple[Position, ...] | None]
#: (frame, device) -> the frame's fixes and reply, or None: the session reads this frame.
NavdataFrame = Callable[[bytes, DeviceKey], tuple[tuple[Position, ...], bytes | None] | None]


class Kernels(NamedTuple):
    """One implementation of NDTP's hot path; ``name`` is "compiled" or "pure"."""

    name: str
    navdata_positions: NavdataPositions | None
    navdata_frame: NavdataFrame | None


PURE: Final = Kernels(PURE_NAME, None, None)


def _compiled() -> Kernels | None:
    module: Any = load_compiled("egts_server.codec.ndtp._compiled_navdata")
    if module is None:
        return None
    return Kernels(COMPILED_NAME, module.navdata_positions, module.navdata_frame)


COMPILED: Final = _compiled()
ACTIVE: Final = COMPILED if COMPILED is not None and extensions_wanted() else PURE
