"""A whole terminal session from tests/data/egts: exact replies, fixes, any segmentation."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from egts_server.codec.egts import Framer, ResultCode, Session
from egts_server.model import DeviceKey, Position
from tests.builders import egts as build

DATA = Path(__file__).resolve().parents[3] / "data" / "egts" / "login_and_fixes.hex"
NOW = datetime(2024, 1, 15, 7, 0, tzinfo=UTC)


def frames() -> list[bytes]:
    lines = DATA.read_text().splitlines()
    return [bytes.fromhex(line) for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 11, 64, 4096])
def test_session_replays_with_exact_replies(chunk: int) -> None:
    """Login, ack of our RESULT_CODE, two fix records: the same replies for any chunk size."""
    stream = b"".join(frames())
    framer, session = Framer(), Session(now=lambda: NOW)
    written: list[bytes] = []
    positions: list[Position] = []
    for i in range(0, len(stream), chunk):
        for frame in framer.feed(stream[i : i + chunk]):
            handled = session.handle(frame)
            written += handled.replies
            positions += handled.positions
            if handled.ack is not None:
                written.append(handled.ack)
            if handled.login is not None:
                written.append(session.login_result(ResultCode.OK))
    assert written == [
        build.record_ack(rpid=0, confirmed=[(0, 0)], sst=1, pid=0, rn=0),
        build.result_code_packet(pid=1, rn=1, rcd=0),
        build.record_ack(rpid=2, confirmed=[(2, 0), (3, 0)], pid=2, rn=2),
    ]
    assert [p.device for p in positions] == [DeviceKey("egts", "4242")] * 2
    first, replay = positions
    assert (first.satellites, first.hdop, first.inputs, first.altitude_m) == (11, 0.9, 0x8001,
                                                                               150.0)
    assert (first.attributes["adc1"], first.attributes["lls1_level"]) == (12000, 4510)
    assert replay.black_box and replay.fix_time < first.fix_time
