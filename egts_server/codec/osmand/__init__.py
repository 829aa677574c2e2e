"""OsmAnd / Traccar Client (phones over HTTP), sans-I/O: a request's fields in, a fix out.

    report = parse_query(fields) or parse_json(body)   # ReportFieldError names a bad field
    position = report_position(report, now)             # None when it has no coordinates

Imports only the rest of ``codec`` and ``egts_server.model``.
"""

from egts_server.codec.osmand.report import (
    KNOT_KMH,
    MAX_BODY_BYTES,
    MPS_KMH,
    Report,
    ReportFieldError,
    parse_json,
    parse_query,
)
from egts_server.codec.osmand.to_positions import PROTOCOL, report_position

__all__ = ["KNOT_KMH", "MAX_BODY_BYTES", "MPS_KMH", "PROTOCOL", "Report", "ReportFieldError",
           "parse_json", "parse_query", "report_position"]
