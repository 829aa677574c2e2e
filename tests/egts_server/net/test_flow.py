"""Flow control pieces: a pauser speaks for its own reason, and the inbox replays what was cut
while paused, oldest first, stopping where it is told to."""

from __future__ import annotations

from egts_server.codec.errors import FramingError
from egts_server.net.flow import Inbox, Pauser


class Connection:
    """Records the pause and resume calls a pauser makes."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def pause(self, reason: str) -> None:
        self.calls.append(("pause", reason))

    def resume(self, reason: str) -> None:
        self.calls.append(("resume", reason))


def test_pauser_passes_its_own_reason_until_detached() -> None:
    connection = Connection()
    pauser = Pauser(connection, "queue")
    pauser.pauseProducing()
    pauser.resumeProducing()
    pauser.stopProducing()
    assert connection.calls == [("pause", "queue"), ("resume", "queue")]
    pauser.detach()
    pauser.pauseProducing()
    pauser.resumeProducing()
    assert connection.calls == [("pause", "queue"), ("resume", "queue")]


class Handler:
    """Collects what the inbox hands back, and pauses again after ``stop_after`` items."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.seen: list[tuple[object, ...]] = []
        self.stop_after = stop_after

    def frame(self, frame: bytes, arrived: float) -> None:
        self.seen.append(("frame", frame, arrived))

    def framing_error(self, error: FramingError, head: bytes, arrived: float) -> None:
        self.seen.append(("error", error, head, arrived))

    def go_on(self) -> bool:
        return self.stop_after is None or len(self.seen) < self.stop_after


def test_inbox_keeps_the_rest_of_a_read_and_the_framing_error_after_it() -> None:
    inbox = Inbox()
    assert not inbox
    error = FramingError("garbage")
    inbox.hold([b"a", b"b", b"c"], 1, 10.0)
    inbox.hold_framing_error(error, b"\x09\x09", 10.0)
    assert inbox
    handler = Handler()
    inbox.run(handler.frame, handler.framing_error, handler.go_on)
    assert handler.seen == [("frame", b"b", 10.0), ("frame", b"c", 10.0),
                            ("error", error, b"\x09\x09", 10.0)]
    assert not inbox


def test_inbox_stops_when_paused_again_and_resumes_where_it_stopped() -> None:
    inbox = Inbox()
    inbox.hold([b"a", b"b"], 0, 1.0)
    inbox.hold([b"c"], 0, 2.0)
    first = Handler(stop_after=2)
    inbox.run(first.frame, first.framing_error, first.go_on)
    assert first.seen == [("frame", b"a", 1.0), ("frame", b"b", 1.0)]
    assert inbox
    second = Handler()
    inbox.run(second.frame, second.framing_error, second.go_on)
    assert second.seen == [("frame", b"c", 2.0)]
    assert not inbox


def test_a_close_while_running_drops_what_waits() -> None:
    """A frame handler that closes the connection clears the inbox; nothing more runs."""
    inbox = Inbox()
    inbox.hold([b"a", b"b", b"c"], 0, 1.0)
    handler = Handler()
    closed = [False]

    def frame(data: bytes, arrived: float) -> None:
        handler.frame(data, arrived)
        if data == b"a":
            inbox.clear()
            closed[0] = True

    inbox.run(frame, handler.framing_error, lambda: not closed[0])
    assert handler.seen == [("frame", b"a", 1.0)]
    assert not inbox
    inbox.hold([b"d"], 0, 3.0)
    inbox.run(handler.frame, handler.framing_error, handler.go_on)
    assert handler.seen == [("frame", b"a", 1.0), ("frame", b"d", 3.0)]
