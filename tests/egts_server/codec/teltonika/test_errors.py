"""A record whose place or time cannot exist is one of the codec's format errors."""

from __future__ import annotations

import pytest

from egts_server.codec.errors import FormatError
from egts_server.codec.teltonika import AvlRecord, CoordinateError, record_position
from egts_server.model import DeviceKey


def test_coordinate_error_is_a_format_error_raised_for_an_impossible_record() -> None:
    assert issubclass(CoordinateError, FormatError)
    with pytest.raises(CoordinateError, match="outside the globe"):
        record_position(AvlRecord(0, 0, 0, 900_000_001, 0, 0, 0, 0),
                        DeviceKey("teltonika", "1"))
