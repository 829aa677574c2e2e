"""NDTP v6 (Granit-family terminals), sans-I/O: bytes in, values and replies out.

Server side::

    framer, session = Framer(), Session()
    for frame in framer.feed(data):         # never raises; skips garbage (framer.skipped)
        handled = session.handle(frame)     # Handled: replies, positions, ack, login, close, error
        # store handled.positions; write handled.ack once they are committed; after a login
        # ask the registry, then write session.login_result(handled.login, code)

Terminal side: ``TerminalClient`` (simulator). Facts: research/nis.md §3-5. Imports only the
rest of ``codec`` and ``egts_server.model``.
"""

from egts_server.codec.ndtp.cells import (
    CanCell,
    Cell,
    IntSensorCell,
    NavCell,
    NavData,
    RawCell,
    UsiCell,
    cell_type,
)
from egts_server.codec.ndtp.client import (
    ClientEvent,
    DeviceMessageEvent,
    NdtpFix,
    ResultEvent,
    TerminalClient,
)
from egts_server.codec.ndtp.conn_request import ConnRequest
from egts_server.codec.ndtp.constants import (
    CELL_SIZES,
    CellType,
    ExternalDeviceType,
    GenericType,
    NavdataType,
    NavFlags,
    NphFlags,
    NphResult,
    NplFlags,
    NplType,
    Service,
)
from egts_server.codec.ndtp.external_device import DeviceData, DeviceResult
from egts_server.codec.ndtp.frame import Framer
from egts_server.codec.ndtp.packet import NphHeader, NplHeader, Packet, build_frame, parse_packet
from egts_server.codec.ndtp.responses import (
    POLICY,
    Reaction,
    ReplyTo,
    Result,
    Situation,
    build_device_result,
    build_result,
)
from egts_server.codec.ndtp.session import PROTOCOL, Handled, Login, Session
from egts_server.codec.ndtp.to_positions import navdata_positions

__all__ = [
    "CELL_SIZES",
    "POLICY",
    "PROTOCOL",
    "CanCell",
    "Cell",
    "CellType",
    "ClientEvent",
    "ConnRequest",
    "DeviceData",
    "DeviceMessageEvent",
    "DeviceResult",
    "ExternalDeviceType",
    "Framer",
    "GenericType",
    "Handled",
    "IntSensorCell",
    "Login",
    "NavCell",
    "NavData",
    "NavFlags",
    "NavdataType",
    "NdtpFix",
    "NphFlags",
    "NphHeader",
    "NphResult",
    "NplFlags",
    "NplHeader",
    "NplType",
    "Packet",
    "RawCell",
    "Reaction",
    "ReplyTo",
    "Result",
    "ResultEvent",
    "Service",
    "Session",
    "Situation",
    "TerminalClient",
    "UsiCell",
    "build_device_result",
    "build_frame",
    "build_result",
    "cell_type",
    "navdata_positions",
    "parse_packet",
]
