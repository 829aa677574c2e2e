"""What every subrecord value offers, and the value for subrecord types we do not know."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol, Self

from egts_server.codec.reader import ByteReader, ByteWriter


class Subrecord(Protocol):
    """One GOST subrecord table: a frozen dataclass in wire units.

    ``decode`` reads SRD from a reader bounded by SRL; ``encode`` writes SRD (not SRT/SRL).
    """

    SRT: ClassVar[int]

    @classmethod
    def decode(cls, r: ByteReader) -> Self: ...

    def encode(self, w: ByteWriter) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class UnknownSubrecord:
    """A subrecord whose (service, SRT) pair has no registered table: SRD kept as raw bytes."""

    service: int  # the record's SST
    srt: int  # SRT
    data: bytes  # SRD, verbatim


AnySubrecord = Subrecord | UnknownSubrecord


def subrecord_type(sub: AnySubrecord) -> int:
    """SRT of a decoded subrecord, known or not."""
    return sub.srt if isinstance(sub, UnknownSubrecord) else sub.SRT
