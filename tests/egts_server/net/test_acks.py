"""The answer queue of a telemetry connection, without Twisted: order, backlog, failures."""

from __future__ import annotations

from egts_server.net.acks import AckQueue, Due


class Recorder:
    """What the connection would do: deliveries in order, and the backlog calls."""

    def __init__(self, max_pending_fixes: int = 10) -> None:
        self.events: list[object] = []
        self.queue = AckQueue(max_pending_fixes, lambda due: self.events.append(due.ack),
                              lambda: self.events.append("over"),
                              lambda: self.events.append("drained"))


def test_answers_go_out_in_arrival_order_whatever_order_commits_come_in() -> None:
    """A later packet's commit waits for the earlier one; then both go out, oldest first."""
    r = Recorder()
    first, second = Due(b"A1", 0.0, 1), Due(b"A2", 0.0, 1)
    r.queue.push(first)
    r.queue.push(second)
    r.queue.settle(second)
    assert r.events == []
    r.queue.settle(first)
    assert r.events == [b"A1", b"A2", "drained"]
    assert (len(r.queue), r.queue.pending_fixes) == (0, 0)


def test_a_ready_answer_goes_out_at_once_only_when_nothing_waits_before_it() -> None:
    """A reply needing no commit is written at once if first, else in its turn."""
    r = Recorder()
    r.queue.push(Due(b"now", 0.0, 0, ready=True))
    assert r.events == [b"now", "drained"]
    waiting = Due(b"stored", 0.0, 2)
    r.queue.push(waiting)
    r.queue.push(Due(b"after", 0.0, 0, ready=True))
    assert r.events == [b"now", "drained"]
    r.queue.settle(waiting)
    assert r.events == [b"now", "drained", b"stored", b"after", "drained"]


def test_backlog_stops_reading_at_the_limit_and_resumes_at_half() -> None:
    """Reaching max_pending_fixes calls over_limit; drained comes once half or less is left."""
    r = Recorder(max_pending_fixes=4)
    dues = [Due(bytes([i]), 0.0, 2) for i in range(3)]
    for due in dues:
        r.queue.push(due)
    assert r.events == ["over", "over"] and r.queue.pending_fixes == 6
    r.queue.settle(dues[0])
    assert r.events == ["over", "over", b"\x00"] and r.queue.pending_fixes == 4
    r.queue.settle(dues[1])
    assert r.events[3:] == [b"\x01", "drained"] and r.queue.pending_fixes == 2


def test_a_failure_is_delivered_in_its_turn_with_the_answer() -> None:
    """The failed packet reaches the connection in order, carrying its failure."""
    seen: list[Due] = []
    queue = AckQueue(10, seen.append, lambda: None, lambda: None)
    due = Due(b"A", 0.0, 1)
    queue.push(due)
    failure = object()
    queue.settle(due, failure)  # type: ignore[arg-type]
    assert seen == [due] and due.failure is failure


def test_after_clear_late_commits_answer_nothing() -> None:
    """A closed connection's queue is emptied; a commit arriving later delivers nothing."""
    r = Recorder()
    due = Due(b"A", 0.0, 1)
    r.queue.push(due)
    r.queue.clear()
    r.queue.settle(due)
    assert r.events == [] and len(r.queue) == 0
