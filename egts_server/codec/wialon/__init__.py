"""Wialon IPS 1.1 and 2.0 (Gurtam's text protocol), sans-I/O: bytes in, values and answers out.

Server side::

    framer, session = Framer(), Session(passwords)
    for packet in framer.feed(data):        # never raises
        handled = session.handle(packet)    # Handled: positions, ack, login, close, error
        # store handled.positions; write handled.ack once they are committed; after a login
        # ask the registry, then write session.login_result(handled.login, accepted)

Tracker side: ``TrackerClient`` (simulator, tests). Imports only the rest of ``codec`` and
``egts_server.model``.
"""

from egts_server.codec.handled import Handled, Login
from egts_server.codec.wialon.client import TrackerClient
from egts_server.codec.wialon.constants import DataAnswer, Field, LoginAnswer, ShortAnswer
from egts_server.codec.wialon.errors import FieldError
from egts_server.codec.wialon.frame import Framer
from egts_server.codec.wialon.messages import Message, format_message, parse_message
from egts_server.codec.wialon.session import PROTOCOL, DroppedText, Session, answer
from egts_server.codec.wialon.to_positions import message_position

__all__ = [
    "PROTOCOL",
    "DataAnswer",
    "DroppedText",
    "Field",
    "FieldError",
    "Framer",
    "Handled",
    "Login",
    "LoginAnswer",
    "Message",
    "Session",
    "ShortAnswer",
    "TrackerClient",
    "answer",
    "format_message",
    "message_position",
    "parse_message",
]
