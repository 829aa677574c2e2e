"""Wialon Retranslator 1.0 (platform → platform, binary), sans-I/O: bytes in, fixes out.

    framer, session = Framer(), Session()
    for frame in framer.feed(data):        # PacketLengthError when the stream cannot be cut
        handled = session.handle(frame)    # Handled: positions, ack (0x11), error
        # store handled.positions (their controllers admitted first); write handled.ack after

``build_packet`` writes packets (tests, round trips). Imports only the rest of ``codec`` and
``egts_server.model``.
"""

from egts_server.codec.handled import Handled
from egts_server.codec.wialonretr.frame import Framer
from egts_server.codec.wialonretr.packet import (
    ACK,
    PosInfo,
    RetranslatorPacket,
    ValueType,
    build_packet,
    parse_packet,
)
from egts_server.codec.wialonretr.session import PROTOCOL, Session, packet_position

__all__ = ["ACK", "PROTOCOL", "Framer", "Handled", "PosInfo", "RetranslatorPacket", "Session",
           "ValueType", "build_packet", "packet_position", "parse_packet"]
