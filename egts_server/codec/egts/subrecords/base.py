"""What every subrecord value offers, the base of the span-parsed tables, and unknown ones."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, Self

from egts_server.codec.reader import Buffer, ByteReader, ByteWriter


class Subrecord(Protocol):
    """One GOST subrecord table: a frozen dataclass in wire units.

    ``decode`` reads SRD from a reader bounded by SRL; ``encode`` writes SRD (not SRT/SRL).
    """

    SRT: ClassVar[int]

    @classmethod
    def decode(cls, r: ByteReader) -> Self: ...

    def encode(self, w: ByteWriter) -> None: ...


class WireTable:
    """Base of the tables parsed from a span in one step (TELEDATA's tables, RECORD_RESPONSE).

    ``unpack(data, start, end)`` is the table's one parser. It checks the whole of SRD
    (``data[start:end]``, SRL bytes) and returns the field values in declaration order, exactly
    as the dataclass stores them, so it also guarantees every invariant ``__post_init__`` would
    check. Everything else is derived from it:

    * ``decode`` builds the typed value with ``from_fields``, which trusts its input and skips
      ``__init__``/``__post_init__`` (values built in code still get the full checks);
    * the server's path (``to_positions.teledata_positions``) folds the tuples into Positions
      and never builds the typed values, which would cost more than parsing them.

    ``from_fields(value.field_values()) == value`` and ``from_fields(unpack(srd)) == decode(srd)``.
    """

    __slots__ = ()
    SRT: ClassVar[int]

    @staticmethod
    def unpack(data: Buffer, start: int, end: int) -> tuple[Any, ...]:
        raise NotImplementedError

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        return cls.from_fields(cls.unpack(*r.span()))

    def encode(self, w: ByteWriter) -> None:
        raise NotImplementedError

    @classmethod
    def from_fields(cls, values: tuple[Any, ...]) -> Self:
        """The value whose fields are ``values`` (as ``unpack`` returns them), unchecked."""
        value = object.__new__(cls)
        for set_field, field_value in zip(_setters(cls), values, strict=True):
            set_field(value, field_value)
        return value

    def field_values(self) -> tuple[Any, ...]:
        """The fields in declaration order: what ``unpack`` returned for these bytes."""
        return tuple(getattr(self, name) for name in _names(type(self)))


_Setter = Callable[[object, object], None]
_NAMES: dict[type[WireTable], tuple[str, ...]] = {}
_SETTERS: dict[type[WireTable], tuple[_Setter, ...]] = {}


def _names(cls: type[WireTable]) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    return names


def _setters(cls: type[WireTable]) -> tuple[_Setter, ...]:
    """Each field's slot setter: assigning through it is what ``__init__`` does, minus checks."""
    setters = _SETTERS.get(cls)
    if setters is None:
        setters = _SETTERS[cls] = tuple(getattr(cls, name).__set__ for name in _names(cls))
    return setters


@dataclass(frozen=True, slots=True, kw_only=True)
class UnknownSubrecord:
    """A subrecord whose (service, SRT) pair has no registered table: SRD kept as raw bytes."""

    service: int  # the record's SST
    srt: int  # SRT
    data: bytes  # SRD, verbatim


@dataclass(frozen=True, slots=True, kw_only=True)
class MalformedSubrecord(UnknownSubrecord):
    """An optional TELEDATA subrecord (a sensor or precision table) whose SRD does not fit its
    table, inside an intact record: kept raw, the rest of the record is used (``reason``)."""

    reason: str = ""


AnySubrecord = Subrecord | UnknownSubrecord


def subrecord_type(sub: AnySubrecord) -> int:
    """SRT of a decoded subrecord, known or not."""
    return sub.srt if isinstance(sub, UnknownSubrecord) else sub.SRT
