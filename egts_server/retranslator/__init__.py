"""Retransmission of stored fixes to upstream platforms (the regional RNIS) over EGTS.

Pure parts: ``records`` (a fix as a TELEDATA record), ``plan`` (OIDs, packing, backoff) and
``conversation`` (the client-side EGTS state machine). Twisted parts: ``client`` (one
connection) and ``service`` (lease, reconnects and the queue pump per upstream). The queue
itself lives in PostGIS (``db.retranslation``); ``settings`` holds what ``config`` loads for
it. May import ``codec``, ``model``, ``db`` and ``metrics``; never ``net``, ``maps`` or the
application root.
"""

from egts_server.retranslator.conversation import Conversation, RoundResult, Step, Timing
from egts_server.retranslator.metrics import delivery_metrics_text, register_delivery_metrics
from egts_server.retranslator.plan import Backoff, Outgoing, oid_for, pack
from egts_server.retranslator.service import RetranslationService

__all__ = [
    "Backoff",
    "Conversation",
    "Outgoing",
    "RetranslationService",
    "RoundResult",
    "Step",
    "Timing",
    "delivery_metrics_text",
    "oid_for",
    "pack",
    "register_delivery_metrics",
]
