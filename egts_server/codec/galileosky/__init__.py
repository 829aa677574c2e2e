"""Galileosky (head and main packets of tags), sans-I/O: bytes in, fixes and confirmations out.

    framer, session = Framer(), Session()
    for frame in framer.feed(data):       # HeaderFormatError when the stream cannot be cut
        handled = session.handle(frame)   # Handled: positions, ack, login, error
        # after a login ask the registry, then write session.login_result(login, accepted);
        # store handled.positions, then write handled.ack

``build_packet`` writes packets (tests). Imports only the rest of ``codec`` and ``model``.
"""

from egts_server.codec.galileosky.client import build_packet
from egts_server.codec.galileosky.frame import Framer
from egts_server.codec.galileosky.session import PROTOCOL, Session, confirmation
from egts_server.codec.galileosky.tags import Tags, read_tags, write_tags
from egts_server.codec.galileosky.to_positions import record_position
from egts_server.codec.handled import Handled, Login

__all__ = ["PROTOCOL", "Framer", "Handled", "Login", "Session", "Tags", "build_packet",
           "confirmation", "read_tags", "record_position", "write_tags"]
