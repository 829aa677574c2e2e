"""What ``POST /nis`` answers: a PutCoordResponse per stored record, or a SOAP fault.

The response is one well-formed SOAP 1.1 envelope. Each stored record gets
``<ws:PutCoordResponse><ObjectID>…</ObjectID></ws:PutCoordResponse>``, in request order.
(glonassd spells the element ``PutCoordResponce`` and sends one XML document per record; we
use the correct spelling, and what Wialon expects is unverified: research §8.)
Faults carry ``soapenv:Client`` for the sender's mistakes and ``soapenv:Server`` for ours.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final
from xml.sax.saxutils import escape, quoteattr

from egts_server.codec.nis_soap.records import DEFAULT_WS_NS, SOAP_ENVELOPE_NS

CONTENT_TYPE: Final = "text/xml; charset=utf-8"
RESPONSE_ELEMENT: Final = "PutCoordResponse"


def _envelope(body: str, ws_namespace: str | None = None) -> bytes:
    ws = f" xmlns:ws={quoteattr(ws_namespace)}" if ws_namespace else ""
    return ('<?xml version="1.0" encoding="UTF-8"?>\r\n'
            f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENVELOPE_NS}"{ws}>\r\n'
            f"<soapenv:Body>\r\n{body}</soapenv:Body>\r\n</soapenv:Envelope>\r\n"
            ).encode()


def build_response(object_ids: Iterable[str], ws_namespace: str = DEFAULT_WS_NS) -> bytes:
    """One PutCoordResponse per stored record (an empty Body when none was stored)."""
    items = "".join(f"<ws:{RESPONSE_ELEMENT}><ObjectID>{escape(oid)}</ObjectID>"
                    f"</ws:{RESPONSE_ELEMENT}>\r\n" for oid in object_ids)
    return _envelope(items, ws_namespace)


def build_fault(message: str, *, server: bool = False) -> bytes:
    """A SOAP 1.1 Fault; ``server`` for our side's failures (storage), else the client's."""
    code = "soapenv:Server" if server else "soapenv:Client"
    return _envelope(f"<soapenv:Fault>\r\n<faultcode>{code}</faultcode>\r\n"
                     f"<faultstring>{escape(message)}</faultstring>\r\n</soapenv:Fault>\r\n")
