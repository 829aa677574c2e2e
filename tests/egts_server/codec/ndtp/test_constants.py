"""NDTP wire sizes and codes, checked against the code and the builders that must agree."""

from __future__ import annotations

from egts_server.codec.ndtp import CanCell, IntSensorCell, NavCell, NavFlags, UsiCell
from egts_server.codec.ndtp.constants import (
    CELL_HEADER_SIZE,
    CELL_SIZES,
    MAX_DATA_SIZE,
    MAX_FRAME_SIZE,
    NPH_HEADER_SIZE,
    NPL_HEADER_SIZE,
    SIGNATURE,
    CellType,
)
from tests.builders import ndtp as build


def test_every_cell_read_field_by_field_has_the_size_its_layout_reads() -> None:
    """A size that disagreed with the parser's layout would cut every later cell wrongly."""
    for cls in (NavCell, IntSensorCell, UsiCell, CanCell):
        assert CELL_SIZES[cls.TYPE] == cls._LAYOUT.size, cls.__name__


def test_every_named_cell_type_has_a_size() -> None:
    """Without a size a named type would make the rest of its body unreadable."""
    assert [t for t in CellType if t not in CELL_SIZES] == []


def test_header_sizes_are_what_the_independent_builder_writes() -> None:
    assert len(build.npl(b"")) == NPL_HEADER_SIZE
    assert len(build.frame()) == NPL_HEADER_SIZE + NPH_HEADER_SIZE
    assert build.npl(b"").startswith(SIGNATURE)
    assert len(build.nav()) == CELL_HEADER_SIZE + CELL_SIZES[CellType.NAV]


def test_the_largest_frame_is_a_header_and_a_full_u16_payload() -> None:
    assert MAX_DATA_SIZE == 0xFFFF
    assert MAX_FRAME_SIZE == NPL_HEADER_SIZE + 0xFFFF


def test_the_flags_real_terminals_send_read_as_a_valid_north_east_fix() -> None:
    """Real terminals send 0xE0 in the nav cell (research §3.5)."""
    assert NavFlags(0xE0) == NavFlags.NORTH | NavFlags.EAST | NavFlags.VALID
