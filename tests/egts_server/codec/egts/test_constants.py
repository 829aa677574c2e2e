"""The names of the standard's result codes, as the delivery console shows them."""

from __future__ import annotations

from egts_server.codec.egts import result_code_name


def test_a_code_of_the_standard_has_its_name() -> None:
    assert [result_code_name(c) for c in (0, 151, 153, 164)] == [
        "OK", "AUTH_DENIED", "ID_NFOUND", "TEST_FAILED"]


def test_a_code_outside_the_standard_has_none() -> None:
    """Codes 2..127 are unassigned, and a refusing upstream may send anything up to 255."""
    assert [result_code_name(c) for c in (2, 127, 165, 255)] == [None, None, None, None]
