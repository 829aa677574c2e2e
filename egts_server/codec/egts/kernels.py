"""The functions of the server's per-frame EGTS path, in one implementation or the other.

``PURE`` are the readable reference functions of the transport, records, to_positions and
responses modules (the framer's ``frame_length`` among them). ``COMPILED`` are the same
functions from the Cython modules ``_compiled_framing`` and ``_compiled_teledata`` (None when
they were not built); they hand whatever is not well-formed back to the pure ones, so that both
yield the same frames, fixes, replies and errors (the differential tests hold them equal).
``ACTIVE`` is what a ``Framer`` and a ``Session`` use unless told otherwise: the compiled ones
when present and not disabled (``egts_server.extensions``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, NamedTuple

from egts_server.codec.egts import records, responses, to_positions, transport
from egts_server.codec.egts.handled import Handled
from egts_server.codec.egts.responses import Counter16
from egts_server.codec.reader import Buffer
from egts_server.extensions import COMPILED as COMPILED_NAME
from egts_server.extensions import PURE as PURE_NAME
from egts_server.extensions import extensions_wanted, load_compiled
from egts_server.model import DeviceKey, Position

DeviceFor = Callable[[int | None], DeviceKey | None]  # whose fixes a record with this OID has


class Kernels(NamedTuple):
    """One implementation of each hot function; ``name`` is "compiled" or "pure"."""

    name: str
    frame_length: Callable[[Buffer], int | None]
    unpack_header: Callable[[Buffer], transport.HeaderFields]
    check_body: Callable[[Buffer, int, int, int, int], bytes]
    record_spans: Callable[[Buffer, int, int], list[records.RecordSpan]]
    teledata_positions: Callable[[Buffer, int, int, int, DeviceKey, list[str] | None],
                                 list[Position]]
    build_response: Callable[..., bytes]  # keyword-only: pid, rpid, result, confirmations, rns
    # the session's answer to a frame of TELEDATA records only (compiled only): see
    # ``_compiled_teledata.plain_teledata``
    plain_teledata: Callable[[bytes, DeviceFor, Counter16, Counter16], Handled | None] | None


PURE: Final = Kernels(PURE_NAME, transport.frame_length, transport.unpack_header,
                      transport.check_body, records.record_spans,
                      to_positions.teledata_positions, responses.build_response, None)


def _compiled() -> Kernels | None:
    framing: Any = load_compiled("egts_server.codec.egts._compiled_framing")
    teledata: Any = load_compiled("egts_server.codec.egts._compiled_teledata")
    if framing is None or teledata is None:
        return None
    return Kernels(COMPILED_NAME, framing.frame_length, framing.unpack_header, framing.check_body,
                   framing.record_spans, teledata.teledata_positions, framing.build_response,
                   teledata.plain_teledata)


COMPILED: Final = _compiled()
ACTIVE: Final = COMPILED if COMPILED is not None and extensions_wanted() else PURE
