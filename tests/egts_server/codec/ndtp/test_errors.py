"""NDTP's exceptions: where each sits in the codec's family (the adapter and the policy table
read the family), and what an unknown cell report names."""

from __future__ import annotations

from egts_server.codec.errors import CodecError, FormatError, IdentityError, UnsupportedError
from egts_server.codec.ndtp import NphResult, Session
from egts_server.codec.ndtp.errors import CoordinateError, NotIdentifiedError, UnknownCellError
from tests.builders import ndtp as build


def test_each_error_belongs_to_the_shared_class_naming_its_kind() -> None:
    assert issubclass(NotIdentifiedError, IdentityError)
    assert issubclass(UnknownCellError, UnsupportedError)
    assert issubclass(CoordinateError, FormatError)
    assert all(issubclass(cls, CodecError)
               for cls in (NotIdentifiedError, UnknownCellError, CoordinateError))


def test_unknown_cell_error_names_the_type_and_where_it_starts() -> None:
    error = UnknownCellError(99, 28)
    assert (error.cell_type, error.offset) == (99, 28)
    assert str(error) == "unknown cell type 99 at body offset 28; rest not parseable"


def test_a_session_reports_navdata_without_identity_as_not_identified() -> None:
    handled = Session().handle(build.frame(build.nav(), service=1, ptype=101))
    assert isinstance(handled.error, NotIdentifiedError)
    assert str(handled.error) == "NAVDATA before NPH_SGC_CONN_REQUEST"


def test_a_session_reports_an_unknown_cell_after_a_fix_at_its_offset() -> None:
    """The nav cell takes 2 + 26 bytes, so the unknown cell (type 99) starts at offset 28."""
    session = Session()
    login = session.handle(build.frame(build.conn_request(), service=0, ptype=100)).login
    assert login is not None
    session.login_result(login, NphResult.OK)
    handled = session.handle(build.frame(build.nav() + build.raw(99, b"\x01\x02"), service=1,
                                         ptype=101))
    assert len(handled.positions) == 1
    assert isinstance(handled.error, UnknownCellError)
    assert (handled.error.cell_type, handled.error.offset) == (99, 28)
