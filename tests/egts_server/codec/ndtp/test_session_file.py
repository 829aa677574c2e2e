"""A whole plough session from tests/data/ndtp: exact replies and fixes for any segmentation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from egts_server.codec.ndtp import Framer, NphResult, Session
from egts_server.model import DeviceKey, Position
from tests.builders import ndtp as build

DATA = Path(__file__).resolve().parents[3] / "data" / "ndtp" / "plough_session.hex"
T = datetime(2026, 1, 20, 5, 30, tzinfo=UTC)


def frames() -> list[bytes]:
    lines = DATA.read_text().splitlines()
    return [bytes.fromhex(line) for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 15, 25, 64, 4096])
def test_session_replays_with_exact_replies(chunk: int) -> None:
    """Login, history, realtime, a device result, an unrequested frame: same answers always."""
    stream = b"".join(frames())
    framer, session = Framer(), Session()
    written: list[bytes] = []
    positions: list[Position] = []
    for i in range(0, len(stream), chunk):
        for frame in framer.feed(stream[i : i + chunk]):
            handled = session.handle(frame)
            assert handled.error is None and not handled.close
            positions += handled.positions
            if handled.login is not None:
                assert handled.login.imei == "359633100012345"
                written.append(session.login_result(handled.login, NphResult.OK))
            if handled.ack is not None:
                written.append(handled.ack)
    assert written == [build.result(service=0, request_id=0), build.result(service=1, request_id=1),
                       build.result(service=1, request_id=2)]
    assert [p.device for p in positions] == [DeviceKey("ndtp", "700123")] * 4
    assert [p.fix_time for p in positions] == [T, T + timedelta(seconds=30),
                                               T + timedelta(minutes=10),
                                               T + timedelta(minutes=11)]
    assert [p.black_box for p in positions] == [True, True, False, False]
    assert [p.attributes.get("road_machine0_raw") for p in positions] == [
        "010000000000", "010000000000", "000000000000", None]
    assert [p.odometer_m for p in positions] == [1_250_300.0, 1_250_560.0, 1_256_000.0, None]
    assert positions[2].attributes["fuel0_level_l"] == 180
