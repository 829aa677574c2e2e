"""Teltonika Codec 8, 8 Extended, 16 and 12 over TCP, sans-I/O: bytes in, fixes and answers out.

Server side::

    framer, session = Framer(), Session()
    for frame in framer.feed(data):       # FramingError when the stream cannot be cut
        handled = session.handle(frame)   # Handled: positions, ack, login, close, error
        # the first frame is the IMEI: ask the registry, write session.login_result(...);
        # store handled.positions; write handled.ack (record count) once they are committed

Commands (Codec 12): ``command_message(text)`` goes to the device once its AVL packets are all
acknowledged; its answer comes back as ``Handled.response``.

Device side: ``imei_message``, ``avl_packet`` and ``response_message`` (simulator, tests).
Imports only the rest of ``codec`` and ``egts_server.model``.
"""

from egts_server.codec.handled import Login
from egts_server.codec.teltonika.client import avl_packet, imei_message
from egts_server.codec.teltonika.commands import command_message, response_message
from egts_server.codec.teltonika.constants import Codec
from egts_server.codec.teltonika.errors import CoordinateError
from egts_server.codec.teltonika.frame import Framer
from egts_server.codec.teltonika.records import AvlRecord, read_records, write_records
from egts_server.codec.teltonika.session import (
    NOTHING_ACCEPTED,
    PROTOCOL,
    Handled,
    Session,
    accepted,
)
from egts_server.codec.teltonika.to_positions import record_position

__all__ = ["NOTHING_ACCEPTED", "PROTOCOL", "AvlRecord", "Codec", "CoordinateError", "Framer",
           "Handled", "Login", "Session", "accepted", "avl_packet", "command_message",
           "imei_message", "read_records", "record_position", "response_message",
           "write_records"]
