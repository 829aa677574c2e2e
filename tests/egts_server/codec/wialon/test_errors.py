"""A mandatory field that cannot be read is one of the codec's format errors, naming its field."""

from __future__ import annotations

from egts_server.codec.errors import CodecError, FormatError
from egts_server.codec.wialon import Field, FieldError


def test_field_error_is_a_format_error_that_names_its_field() -> None:
    error = FieldError(Field.COORDINATES, "coordinate unreadable")
    assert isinstance(error, FormatError) and isinstance(error, CodecError)
    assert (error.field, str(error)) == (Field.COORDINATES, "coordinate unreadable")
