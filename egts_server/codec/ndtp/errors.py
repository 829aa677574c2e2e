"""NDTP's members of the codec's one exception family (``egts_server.codec.errors``).

Only the cases the shared classes cannot tell apart get a subclass here; which reply each
case earns is decided by the policy table in ``responses.py``, not by the class.
"""

from __future__ import annotations

from egts_server.codec.errors import FormatError, IdentityError, UnsupportedError


class NotIdentifiedError(IdentityError):
    """Navigation data on a connection that has not sent CONN_REQUEST yet."""


class UnknownCellError(UnsupportedError):
    """A cell type without a known size: the rest of the NAVDATA body cannot be cut.

    Raised nowhere; the session reports it in ``Handled.error`` next to the fixes it could
    still decode, so the adapter logs it while the frame is acknowledged normally.
    """

    def __init__(self, cell_type: int, offset: int) -> None:
        super().__init__(f"unknown cell type {cell_type} at body offset {offset}; "
                         "rest not parseable")
        self.cell_type = cell_type
        self.offset = offset


class CoordinateError(FormatError):
    """A navigation cell whose latitude or longitude lies outside the globe."""
