"""Reading a ``PutCoord`` batch out of a SOAP body, safely and leniently about namespaces.

The XML goes through ``defusedxml``'s SAX reader with DTDs forbidden (SOAP messages must not
carry one) and so entity declarations and external references with them: no billion laughs, no
file or network reads. Namespace processing is off on purpose: the only public sample (and
glonassd, which produced it) uses ``soapenv:`` and ``ws:`` prefixes it never declares, which a
namespace-aware parser rejects. Elements are therefore matched by local name; the ``ws``
namespace, when the sender declares one, is remembered so the response can echo it.

Everything wrong becomes a ``NisFormatError`` whose message names the problem and, for a bad
record, which one (its position and ObjectID). A batch is taken whole or not at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final
from xml.sax import SAXException, SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.sax import parseString

from egts_server.codec.errors import FormatError
from egts_server.codec.nis_soap.records import DEFAULT_WS_NS, MAX_OBJECT_ID, PutCoord

MAX_BODY_BYTES: Final = 1 << 20  # about 5000 records; the parse runs on the reactor thread
MAX_RECORDS: Final = 10_000


class NisFormatError(FormatError):
    """The request is not a usable PutCoord batch; the message says why."""


@dataclass(frozen=True, slots=True)
class PutCoordRequest:
    """A parsed batch and the ``ws`` namespace to answer in."""

    records: tuple[PutCoord, ...]
    ws_namespace: str = DEFAULT_WS_NS


def parse_request(body: bytes) -> PutCoordRequest:
    """The records of one POST body; ``NisFormatError`` when there is anything wrong."""
    if len(body) > MAX_BODY_BYTES:
        raise NisFormatError(f"request body of {len(body)} bytes exceeds {MAX_BODY_BYTES}")
    if not body.strip():
        raise NisFormatError("empty request body: expected a SOAP envelope")
    handler = _Handler()
    try:
        parseString(body, handler, forbid_dtd=True)
    except NisFormatError:
        raise
    except DTDForbidden as e:
        raise NisFormatError("a DTD is not allowed in a SOAP message "
                             f"(<!DOCTYPE {e.name}>)") from e
    except EntitiesForbidden as e:
        raise NisFormatError(f"entity declarations are not allowed (entity {e.name!r})") from e
    except DefusedXmlException as e:
        raise NisFormatError(f"forbidden XML construct: {type(e).__name__}") from e
    except SAXParseException as e:
        raise NisFormatError(f"malformed XML at line {e.getLineNumber()}, column "
                             f"{e.getColumnNumber()}: {e.getMessage()}") from e
    except SAXException as e:
        raise NisFormatError(f"malformed XML: {e.getMessage()}") from e
    except (ValueError, UnicodeError, LookupError) as e:
        raise NisFormatError(f"malformed XML: {e}") from e
    if not handler.saw_root:
        raise NisFormatError("no XML element in the request body")
    if not handler.records:
        raise NisFormatError("no PutCoord element in the SOAP envelope")
    return PutCoordRequest(tuple(handler.records), handler.ws_namespace)


def _local(name: str) -> str:
    return name.rpartition(":")[2]


@dataclass(slots=True)
class _Record:
    """A PutCoord being read."""

    index: int
    object_id: list[str] | None = None  # text chunks while inside <ObjectID>
    object_id_text: str | None = None
    coord: dict[str, str] | None = None
    inputs: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)
    analog: list[tuple[int, float]] = field(default_factory=list)

    @property
    def where(self) -> str:
        oid = f" (ObjectID {self.object_id_text})" if self.object_id_text else ""
        return f"PutCoord #{self.index}{oid}"


class _Handler(ContentHandler):
    """Collects PutCoord records; raises ``NisFormatError`` on the first problem."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[PutCoord] = []
        self.ws_namespace = DEFAULT_WS_NS
        self.saw_root = False
        self._depth = 0
        self._current: _Record | None = None

    def startElement(self, name: str, attrs: AttributesImpl) -> None:  # noqa: N802
        local = _local(name)
        if self._depth == 0:
            self.saw_root = True
            if local != "Envelope":
                raise NisFormatError(f"root element is <{name}>, not a SOAP Envelope")
        self._depth += 1
        declared = attrs.get("xmlns:ws")
        if declared:
            self.ws_namespace = declared
        record = self._current
        if local == "PutCoord":
            if record is not None:
                raise NisFormatError(f"{record.where}: PutCoord inside PutCoord")
            if len(self.records) >= MAX_RECORDS:
                raise NisFormatError(f"more than {MAX_RECORDS} PutCoord records in one request")
            self._current = _Record(index=len(self.records) + 1)
        elif record is None:
            return
        elif local == "ObjectID":
            record.object_id = []
        elif local == "Coord":
            if record.coord is not None:
                raise NisFormatError(f"{record.where}: more than one Coord")
            record.coord = {k: attrs[k] for k in attrs.getNames()}
        elif local == "DigI":
            record.inputs.append(_int(record, attrs, "DigI", "inpnum"))
        elif local == "DigO":
            record.outputs.append(_int(record, attrs, "DigO", "outnum"))
        elif local == "AnalogI":
            record.analog.append((_int(record, attrs, "AnalogI", "num"),
                                  _float(record, attrs.get("val"), "AnalogI", "val")))

    def characters(self, content: str) -> None:
        record = self._current
        if record is not None and record.object_id is not None:
            record.object_id.append(content)
            if sum(map(len, record.object_id)) > 4 * MAX_OBJECT_ID:
                raise NisFormatError(f"{record.where}: ObjectID longer than {MAX_OBJECT_ID}")

    def endElement(self, name: str) -> None:  # noqa: N802
        self._depth -= 1
        record = self._current
        if record is None:
            return
        local = _local(name)
        if local == "ObjectID" and record.object_id is not None:
            record.object_id_text = "".join(record.object_id).strip()
            record.object_id = None
        elif local == "PutCoord":
            self.records.append(_finish(record))
            self._current = None


def _finish(record: _Record) -> PutCoord:
    where = record.where
    if not record.object_id_text:
        raise NisFormatError(f"{where}: no ObjectID")
    if record.coord is None:
        raise NisFormatError(f"{where}: no Coord")
    c = record.coord
    for required in ("time", "lon", "lat"):
        if required not in c:
            raise NisFormatError(f"{where}: Coord has no {required!r} attribute")
    alt = c.get("alt")
    try:
        return PutCoord(
            object_id=record.object_id_text, time=_time(record, c["time"]),
            lon=_float(record, c["lon"], "Coord", "lon"),
            lat=_float(record, c["lat"], "Coord", "lat"),
            alt=None if alt is None else _float(record, alt, "Coord", "alt"),
            speed=_float(record, c.get("speed", "0"), "Coord", "speed"),
            course=_float(record, c.get("dir", "0"), "Coord", "dir"),
            valid=_valid(record, c.get("valid", "1")),
            digital_inputs=tuple(record.inputs), digital_outputs=tuple(record.outputs),
            analog_inputs=tuple(record.analog))
    except ValueError as e:
        raise NisFormatError(f"{where}: {e}") from e


def _float(record: _Record, text: str | None, element: str, attribute: str) -> float:
    if text is None:
        raise NisFormatError(f"{record.where}: {element} has no {attribute!r} attribute")
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise NisFormatError(f"{record.where}: {element} {attribute}={text!r} is not a number")
    return value


def _int(record: _Record, attrs: AttributesImpl, element: str, attribute: str) -> int:
    text = attrs.get(attribute)
    if text is None:
        raise NisFormatError(f"{record.where}: {element} has no {attribute!r} attribute")
    if not text.strip().isdigit() or len(text) > 6:
        raise NisFormatError(f"{record.where}: {element} {attribute}={text!r} is not a "
                             "non-negative integer")
    return int(text)


def _time(record: _Record, text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as e:
        raise NisFormatError(f"{record.where}: Coord time={text!r} is not an ISO 8601 "
                             "time") from e
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _valid(record: _Record, text: str) -> bool:
    flag = text.strip().lower()
    if flag in ("1", "true"):
        return True
    if flag in ("0", "false"):
        return False
    raise NisFormatError(f"{record.where}: Coord valid={text!r} is neither 0 nor 1")
