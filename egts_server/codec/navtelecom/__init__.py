"""NavTelecom NTCB handshake and FLEX 1.0/2.0/3.0 data, sans-I/O: bytes in, fixes out.

    negotiated = Negotiated()
    framer, session = Framer(negotiated), Session(negotiated)   # they share the field set
    for frame in framer.feed(data):       # FramingError when the stream cannot be cut
        handled = session.handle(frame)

Device side (tests): ``handshake``, ``negotiation``, ``archive``, ``current``. Imports only
the rest of ``codec`` and ``model``.
"""

from egts_server.codec.handled import Handled, Login
from egts_server.codec.navtelecom.client import archive, current, handshake, negotiation
from egts_server.codec.navtelecom.fields import FIELD_SIZES, record_position
from egts_server.codec.navtelecom.frame import Framer, Negotiated
from egts_server.codec.navtelecom.ntcb import ntcb
from egts_server.codec.navtelecom.session import PROTOCOL, Session

__all__ = ["FIELD_SIZES", "PROTOCOL", "Framer", "Handled", "Login", "Negotiated", "Session",
           "archive", "current", "handshake", "negotiation", "ntcb", "record_position"]
