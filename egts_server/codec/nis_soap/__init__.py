"""NIS ("Олимпстрой") SOAP retranslation: ``PutCoord`` batches in, responses out (sans-I/O).

Server side::

    request = parse_request(body)   # NisFormatError: answer build_fault(str(error)), 400
    positions = put_coord_positions(request.records)
    # store them; once committed, answer with
    build_response([r.object_id for r in stored], request.ws_namespace)

Facts: research/nis.md §8 (glonassd's element names; Wialon's envelope is unverified). Imports
only the rest of ``codec``, ``egts_server.model`` and defusedxml.
"""

from egts_server.codec.nis_soap.parse import (
    MAX_BODY_BYTES,
    MAX_RECORDS,
    NisFormatError,
    PutCoordRequest,
    parse_request,
)
from egts_server.codec.nis_soap.records import (
    DEFAULT_WS_NS,
    SOAP_ENVELOPE_NS,
    PutCoord,
    encode_request,
    format_time,
)
from egts_server.codec.nis_soap.responses import (
    CONTENT_TYPE,
    RESPONSE_ELEMENT,
    build_fault,
    build_response,
)
from egts_server.codec.nis_soap.to_positions import (
    PROTOCOL,
    device_of,
    put_coord_position,
    put_coord_positions,
)

__all__ = [
    "CONTENT_TYPE",
    "DEFAULT_WS_NS",
    "MAX_BODY_BYTES",
    "MAX_RECORDS",
    "PROTOCOL",
    "RESPONSE_ELEMENT",
    "SOAP_ENVELOPE_NS",
    "NisFormatError",
    "PutCoord",
    "PutCoordRequest",
    "build_fault",
    "build_response",
    "device_of",
    "encode_request",
    "format_time",
    "parse_request",
    "put_coord_position",
    "put_coord_positions",
]
