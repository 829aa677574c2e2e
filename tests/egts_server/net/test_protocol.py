"""The EGTS adapter without sockets: the codec's replies to garbage, records counted by their
result, and the same bytes out however TCP splits the stream."""

from __future__ import annotations

import pytest
from twisted.internet.testing import StringTransport

from egts_server.net.limits import CloseReason
from tests.builders import egts as build
from tests.egts_server.net.egts_rig import Rig, fixes_packet, replies


def test_garbage_gets_the_codec_reply_and_the_connection_closes() -> None:
    """Bytes that cannot be framed are answered (PR from the codec's table) and closed."""
    rig = Rig()
    proto, transport = rig.connect()
    proto.dataReceived(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert replies(transport) == [(int.from_bytes(b"TT", "little"), 128)]  # PID as read
    assert transport.disconnecting and rig.closed(CloseReason.GARBAGE) == 1
    assert rig.metrics.packets.value("egts", "128") == 1


def test_valid_frames_before_garbage_are_still_acknowledged() -> None:
    """Frames cut before the bad bytes are stored and acknowledged before the close."""
    rig = Rig()
    proto, transport = rig.connect()
    proto.dataReceived(fixes_packet(5, 0, 1) + b"\x09" * 20)
    assert not transport.disconnecting
    rig.store.commit_all()
    assert replies(transport)[-1] == (5, 0)
    assert transport.disconnecting


def test_records_are_counted_by_the_result_they_were_confirmed_with() -> None:
    """records{result} per RECORD_RESPONSE sent: good records under 0, a refused one (an
    unknown service, 150) under its code."""
    rig = Rig()
    proto, transport = rig.connect()
    proto.dataReceived(fixes_packet(1, 0, 3))
    bad = build.packet(pid=2, records=[build.pos_record(rn=3), build.record(rn=4, sst=99)])
    proto.dataReceived(bad)
    rig.store.commit_all()
    records = rig.metrics.records
    assert (records.value("egts", "0"), records.value("egts", "150")) == (4, 1)


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 11, 64, 4096])
def test_any_segmentation_gives_the_same_reply_bytes_and_fixes(chunk: int) -> None:
    """However TCP splits a login and two glued data packets, the replies and fixes are the same."""
    stream = (build.packet(pid=0, records=[build.auth_record(rn=0, tid=4242, oid=4242)])
              + fixes_packet(1, 1, 3) + fixes_packet(2, 4, 2))

    def run(step: int) -> tuple[bytes, list[tuple[float, float]]]:
        rig = Rig()
        proto, transport = rig.connect()
        for i in range(0, len(stream), step):
            proto.dataReceived(stream[i : i + step])
            rig.store.commit_all()
        rig.store.commit_all()
        fixes = [(r.position.latitude, r.position.longitude)
                 for rows, _ in rig.store.calls for r in rows]
        return transport.value(), fixes

    whole, whole_fixes = run(len(stream))
    split, split_fixes = run(chunk)
    assert split == whole and split_fixes == whole_fixes and len(whole_fixes) == 5
    written = StringTransport()
    written.write(whole)
    assert replies(written) == [(0, 0), (1, 0), (2, 0)]
