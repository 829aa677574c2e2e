"""EGTS (GOST 33472-2015 / Mintrans order 285), sans-I/O: bytes in, values and replies out.

Server side::

    framer, session = Framer(), Session(now=clock)
    try:
        frames, failure = framer.feed(data), None
    except FramingError as error:
        frames, failure = list(error.frames), error
    for frame in frames:
        handled = session.handle(frame)   # Handled: replies, positions, ack, login, close, error
    if failure is not None:
        handled = session.framing_error(failure)   # optional PR reply, close=True

Terminal side: ``TerminalClient`` (simulator, retranslator). Imports only the rest of
``codec`` and ``egts_server.model``.
"""

from egts_server.codec.egts.client import (
    AppDataEvent,
    ClientEvent,
    FixToSend,
    ResponseEvent,
    ResultCodeEvent,
    TerminalClient,
)
from egts_server.codec.egts.constants import (
    EGTS_EPOCH,
    PacketType,
    ResultCode,
    ServiceType,
    result_code_name,
)
from egts_server.codec.egts.frame import Framer
from egts_server.codec.egts.handled import (
    CommandAnswered,
    CommandDelivered,
    CommandEvent,
    Handled,
    Login,
)
from egts_server.codec.egts.records import RawRecord, RecordHeader, ServiceDataRecord
from egts_server.codec.egts.responses import (
    REACTIONS,
    Confirmation,
    Reaction,
    build_response,
    build_result_code,
    reaction_for,
)
from egts_server.codec.egts.session import UNIDENTIFIED, Session, Unidentified
from egts_server.codec.egts.to_positions import record_positions
from egts_server.codec.egts.transport import (
    Packet,
    ResponseHead,
    Route,
    TransportHeader,
    parse_packet,
)

__all__ = [
    "EGTS_EPOCH",
    "REACTIONS",
    "UNIDENTIFIED",
    "AppDataEvent",
    "ClientEvent",
    "CommandAnswered",
    "CommandDelivered",
    "CommandEvent",
    "Confirmation",
    "FixToSend",
    "Framer",
    "Handled",
    "Login",
    "Packet",
    "PacketType",
    "RawRecord",
    "Reaction",
    "RecordHeader",
    "ResponseEvent",
    "ResponseHead",
    "ResultCode",
    "ResultCodeEvent",
    "Route",
    "ServiceDataRecord",
    "ServiceType",
    "Session",
    "TerminalClient",
    "TransportHeader",
    "Unidentified",
    "build_response",
    "build_result_code",
    "parse_packet",
    "reaction_for",
    "record_positions",
    "result_code_name",
]
