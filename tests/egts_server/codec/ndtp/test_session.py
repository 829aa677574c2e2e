"""Session: fixes, logins and exact reply bytes per frame, as a terminal conversation goes."""

from __future__ import annotations

from egts_server.codec.ndtp import NphResult, Session
from egts_server.model import DeviceKey
from tests.builders import ndtp as build
from tests.egts_server.net.ndtp_rig import login_frame, nav_frame, result


def logged_in(device_id: int = 134223) -> Session:
    session = Session()
    handled = session.handle(login_frame(device_id))
    assert handled.login is not None
    session.login_result(handled.login, NphResult.OK)
    return session


def test_realtime_frame_yields_fix_and_result_to_write_after_commit() -> None:
    """NPH_SND_REALTIME: one fix for the logged-in device; NPH_RESULT 0 goes in ``ack``."""
    handled = logged_in().handle(nav_frame(42))
    assert [p.device for p in handled.positions] == [DeviceKey("ndtp", "134223")]
    assert handled.ack == result(42)
    assert (handled.replies, handled.login, handled.close, handled.error) == ((), None, False,
                                                                              None)


def test_history_frame_is_answered_in_the_navdata_service() -> None:
    """NPH_SND_HISTORY: black-box fixes, the same result shape."""
    handled = logged_in().handle(nav_frame(43, history=True))
    assert handled.ack == result(43) and handled.positions[0].black_box


def test_frame_without_request_flag_is_stored_silently() -> None:
    """NPH flag bit 0 clear: the fix is stored, no result is owed."""
    frame = build.frame(build.nav(), request_id=44, nph_flags=0)
    handled = logged_in().handle(frame)
    assert handled.ack is None and len(handled.positions) == 1


def test_result_echoes_the_npl_peer_and_sequence() -> None:
    """A relay's peer address and NPL request id come back in the reply header."""
    frame = build.frame(build.nav(), request_id=9, peer=0x0100007F, npl_request_id=77)
    handled = logged_in().handle(frame)
    assert handled.ack == build.result(service=1, request_id=9, peer=0x0100007F,
                                       npl_request_id=77)


def test_nph_flag_bit_0_is_tested_not_compared() -> None:
    """Flags 0x0003 still ask for a result (navprot compares the word with 1)."""
    handled = logged_in().handle(build.frame(build.nav(), request_id=5, nph_flags=3))
    assert handled.ack == result(5)


def test_empty_navdata_body_is_answered() -> None:
    """A NAVDATA frame with no cells: nothing to store, result 0."""
    handled = logged_in().handle(build.frame(b"", request_id=6))
    assert handled.ack == result(6) and handled.positions == ()


def test_session_never_raises_on_inconsistent_frames() -> None:
    """Frames the framer would never cut still come back as errors, not exceptions."""
    session = logged_in()
    for frame in (b"", b"\x7e\x7e", build.npl(bytes(4)), nav_frame(1)[:-3]):
        handled = session.handle(frame)
        assert handled.error is not None and handled.ack is None
