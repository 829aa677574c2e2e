"""The ``PutCoord`` record of the NIS ("Олимпстрой") retranslation protocol (research §8).

Element and attribute names are glonassd's (``soap.c``), the only public implementation:

    <ws:PutCoord>
      <ObjectID>01326273</ObjectID>
      <Coord time="2015-12-25T04:31:40Z" lon="65.222512" lat="55.403608" alt="0"
             speed="0.0" dir="0" valid="1" />
      <DigI inpnum="6" />   <DigO outnum="2" />   <AnalogI num="1" val="12.5" />
    </ws:PutCoord>

Input, output and analog numbers are 0-based (glonassd writes bit ``j`` as ``inpnum="j"``).
Values stay in the units the XML carries, so ``encode`` writes back what ``parse`` read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final
from xml.sax.saxutils import escape, quoteattr

SOAP_ENVELOPE_NS: Final = "http://schemas.xmlsoap.org/soap/envelope/"
#: Namespace for the ``ws:`` prefix when the sender declared none (Wialon's is unverified).
DEFAULT_WS_NS: Final = "urn:nis:ws"
MAX_OBJECT_ID: Final = 64  # characters; the sample is "01326273" (leading zeros kept)
MAX_IO_NUMBER: Final = 63  # inputs and outputs travel in a 64-bit mask


@dataclass(frozen=True, slots=True, kw_only=True)
class PutCoord:
    """One fix of one object, as the platform sent it."""

    object_id: str  # the sender's unit id, a string (leading zeros matter)
    time: datetime  # aware, UTC
    lon: float  # degrees, west negative
    lat: float  # degrees, south negative
    alt: float | None = None  # metres
    speed: float = 0.0  # km/h
    course: float = 0.0  # the ``dir`` attribute, degrees
    valid: bool = True
    digital_inputs: tuple[int, ...] = ()  # DigI inpnum: inputs that are on
    digital_outputs: tuple[int, ...] = ()  # DigO outnum: outputs that are on
    analog_inputs: tuple[tuple[int, float], ...] = ()  # AnalogI (num, val)

    def __post_init__(self) -> None:
        if not self.object_id or len(self.object_id) > MAX_OBJECT_ID:
            raise ValueError(f"ObjectID must have 1 to {MAX_OBJECT_ID} characters")
        if self.time.tzinfo is None:
            raise ValueError("time must be timezone-aware")
        for name, value in (("lon", self.lon), ("lat", self.lat), ("speed", self.speed),
                            ("dir", self.course), ("alt", self.alt or 0.0)):
            if not math.isfinite(value):
                raise ValueError(f"{name} is not a finite number")
        if not -180.0 <= self.lon <= 180.0:
            raise ValueError(f"lon {self.lon} is outside -180..180")
        if not -90.0 <= self.lat <= 90.0:
            raise ValueError(f"lat {self.lat} is outside -90..90")
        for name, numbers in (("DigI inpnum", self.digital_inputs),
                              ("DigO outnum", self.digital_outputs),
                              ("AnalogI num", tuple(n for n, _ in self.analog_inputs))):
            for n in numbers:
                if not 0 <= n <= MAX_IO_NUMBER:
                    raise ValueError(f"{name} {n} is outside 0..{MAX_IO_NUMBER}")
        for _, value in self.analog_inputs:
            if not math.isfinite(value):
                raise ValueError("AnalogI val is not a finite number")

    def encode(self) -> str:
        """The ``<ws:PutCoord>`` element (glonassd's layout, one element per line)."""
        attrs = {"time": format_time(self.time), "lon": repr(self.lon), "lat": repr(self.lat)}
        if self.alt is not None:
            attrs["alt"] = repr(self.alt)
        attrs.update(speed=repr(self.speed), dir=repr(self.course),
                     valid="1" if self.valid else "0")
        lines = ["<ws:PutCoord>", f"<ObjectID>{escape(self.object_id)}</ObjectID>",
                 "<Coord " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + " />"]
        lines += [f'<DigI inpnum="{n}" />' for n in self.digital_inputs]
        lines += [f'<DigO outnum="{n}" />' for n in self.digital_outputs]
        lines += [f'<AnalogI num="{n}" val="{v!r}" />' for n, v in self.analog_inputs]
        lines.append("</ws:PutCoord>")
        return "\r\n".join(lines)


def format_time(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` (fractions kept when there are any)."""
    text = value.astimezone(UTC).replace(tzinfo=None).isoformat()
    return text + "Z"


def encode_request(records: list[PutCoord], ws_namespace: str = DEFAULT_WS_NS) -> bytes:
    """A whole SOAP envelope holding ``records`` (what a platform posts)."""
    body = "\r\n".join(r.encode() for r in records)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\r\n'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENVELOPE_NS}" '
        f"xmlns:ws={quoteattr(ws_namespace)}>\r\n"
        "<soapenv:Header/>\r\n<soapenv:Body>\r\n"
        f"{body}\r\n</soapenv:Body>\r\n</soapenv:Envelope>\r\n"
    ).encode()
