"""Helpers shared by the subrecord tests."""

from typing import Any

from egts_server.codec.reader import ByteReader, ByteWriter


def decode(cls: Any, srd: bytes) -> Any:
    """Decode SRD with ``cls`` and insist that every byte was used."""
    r = ByteReader(srd)
    value = cls.decode(r)
    assert r.remaining == 0
    return value


def encode(value: Any) -> bytes:
    """SRD of a subrecord value."""
    w = ByteWriter()
    value.encode(w)
    return w.getvalue()
