"""The registry's verdicts on one connection: one question per device, answers shared and kept,
fixes stored only for accepted devices, and failures named for the close."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import psycopg2
from twisted.enterprise.adbapi import ConnectionLost
from twisted.internet.defer import Deferred, fail, gatherResults, succeed
from twisted.python.failure import Failure

from db.errors import StorageError
from db.pool import StorageRefused
from db.positions import FixRow
from db.terminals import Admission
from egts_server.model import DeviceKey, Position
from egts_server.net.admission import Admissions, TerminalRejected, first_error, refusal
from egts_server.net.limits import CloseReason

NOW = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)
ACCEPTED = Admission(True, 7, 9, "active", "known terminal")
REFUSED = Admission(False, None, None, "blocked", "terminal blocked")
LOGIN = DeviceKey("egts", "4242")
RELAYED = DeviceKey("egts", "5151")


class Registry:
    """An ``admit`` whose answers the test gives by hand, in the order it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[DeviceKey, str | None, dict[str, str], str]] = []
        self.answers: list[Deferred[Admission]] = []

    def __call__(self, device: DeviceKey, imei: str | None, details: Mapping[str, str],
                 address: str) -> Deferred[Admission]:
        self.asked.append((device, imei, dict(details), address))
        answer: Deferred[Admission] = Deferred()
        self.answers.append(answer)
        return answer


def fix(device: DeviceKey, latitude: float = 50.5) -> Position:
    return Position(device=device, fix_time=NOW, latitude=latitude, longitude=137.0, valid=True,
                    speed_kmh=0.0, course_deg=0.0)


def outcome(d: Deferred[Any]) -> list[object]:
    seen: list[object] = []
    d.addBoth(seen.append)
    return seen


def test_a_device_is_asked_about_once_and_every_caller_gets_the_answer() -> None:
    """A data packet racing its login shares the login's question; later callers the answer."""
    registry = Registry()
    admissions = Admissions(registry, lambda: "10.0.0.1:40000")
    login = outcome(admissions.ask(LOGIN, "868204001269934", {"hardware": "x"}))
    racing = outcome(admissions.ask(LOGIN))
    assert registry.asked == [(LOGIN, "868204001269934", {"hardware": "x"}, "10.0.0.1:40000")]
    assert admissions.get(LOGIN) is None and admissions.unknown({LOGIN}) == {LOGIN}
    registry.answers[0].callback(ACCEPTED)
    assert login == racing == [ACCEPTED]
    assert outcome(admissions.ask(LOGIN)) == [ACCEPTED] and len(registry.asked) == 1
    assert admissions.get(LOGIN) == ACCEPTED and admissions.unknown({LOGIN, RELAYED}) == {RELAYED}


def test_the_peer_is_read_when_the_registry_is_asked() -> None:
    """A PROXY header may name the client after the connection began: the address sent is the
    one known at the question."""
    registry = Registry()
    peer = ["10.0.0.1:1"]
    admissions = Admissions(registry, lambda: peer[0])
    admissions.ask(LOGIN)
    peer[0] = "192.0.2.7:2"
    admissions.ask(RELAYED)
    assert [address for *_, address in registry.asked] == ["10.0.0.1:1", "192.0.2.7:2"]


def test_a_failed_question_fails_every_waiter_and_is_asked_again() -> None:
    registry = Registry()
    admissions = Admissions(registry, lambda: "p")
    first, second = outcome(admissions.ask(LOGIN)), outcome(admissions.ask(LOGIN))
    registry.answers[0].errback(StorageError("database down"))
    for seen in (first, second):
        assert isinstance(seen[0], Failure) and seen[0].check(StorageError)
    assert admissions.get(LOGIN) is None
    admissions.ask(LOGIN)
    assert len(registry.asked) == 2


def test_accepted_id_is_only_for_an_accepted_device() -> None:
    registry = Registry()
    admissions = Admissions(registry, lambda: "p")
    admissions.ask(LOGIN)
    admissions.ask(RELAYED)
    assert admissions.accepted_id(LOGIN) is None and admissions.accepted_id(None) is None
    registry.answers[0].callback(ACCEPTED)
    registry.answers[1].callback(REFUSED)
    assert admissions.accepted_id(LOGIN) == 7 and admissions.accepted_id(RELAYED) is None


class Submissions:
    def __init__(self) -> None:
        self.batches: list[list[FixRow]] = []

    def __call__(self, rows: list[FixRow]) -> Deferred[None]:
        self.batches.append(rows)
        return succeed(None)


def test_fixes_of_known_devices_are_submitted_at_once_with_their_registry_ids() -> None:
    admissions = Admissions(lambda *_: succeed(ACCEPTED), lambda: "p")
    admissions.ask(LOGIN)
    submit = Submissions()
    fixes = [fix(LOGIN, 50.5), fix(LOGIN, 50.6)]
    assert outcome(admissions.store(fixes, submit, lambda: NOW)) == [None]
    assert submit.batches == [[FixRow(7, 9, NOW, fixes[0]), FixRow(7, 9, NOW, fixes[1])]]


def test_fixes_of_new_devices_wait_for_the_registry_then_go_in_one_batch() -> None:
    """A relay's records name devices not seen before: each is asked about, then all are
    submitted together, stamped with the time they were submitted."""
    registry = Registry()
    admissions = Admissions(registry, lambda: "p")
    submit = Submissions()
    clock = [NOW]
    stored = outcome(admissions.store([fix(LOGIN), fix(RELAYED)], submit, lambda: clock[0]))
    assert {device for device, *_ in registry.asked} == {LOGIN, RELAYED}
    assert len(registry.asked) == 2 and submit.batches == [] and stored == []
    clock[0] = NOW.replace(minute=1)
    for answer in registry.answers:
        answer.callback(ACCEPTED)
    assert stored == [None] and len(submit.batches) == 1
    assert [(row.terminal_id, row.received_at) for row in submit.batches[0]] == [
        (7, clock[0]), (7, clock[0])]


def test_a_refused_device_fails_the_store_and_nothing_is_submitted() -> None:
    refused = Admissions(lambda *_: succeed(REFUSED), lambda: "p")
    submit = Submissions()
    seen = outcome(refused.store([fix(LOGIN)], submit, lambda: NOW))
    assert isinstance(seen[0], Failure) and seen[0].check(TerminalRejected)
    assert seen[0].getErrorMessage() == "egts:4242: terminal blocked"
    again = outcome(refused.store([fix(LOGIN)], submit, lambda: NOW))  # the verdict is kept
    assert isinstance(again[0], Failure) and again[0].check(TerminalRejected)
    assert submit.batches == []


def test_a_registry_failure_fails_the_store_with_the_original_error() -> None:
    error = StorageError("database down")
    admissions = Admissions(lambda *_: fail(error), lambda: "p")
    seen = outcome(admissions.store([fix(LOGIN)], Submissions(), lambda: NOW))
    assert isinstance(seen[0], Failure) and seen[0].value is error


def test_first_error_unwraps_what_gather_results_wrapped() -> None:
    error = ValueError("first")
    gathered = outcome(gatherResults([fail(error)], consumeErrors=True))
    assert isinstance(gathered[0], Failure)
    assert first_error(gathered[0]).value is error
    plain = Failure(KeyError("plain"))
    assert first_error(plain) is plain


def test_refusals_and_storage_failures_are_named_anything_else_is_not() -> None:
    assert refusal(Failure(TerminalRejected("egts:1: unknown"))) == (CloseReason.REJECTED,
                                                                    "egts:1: unknown")
    assert refusal(Failure(StorageRefused("value out of range"))) == (CloseReason.STORAGE,
                                                                     "value out of range")
    assert refusal(Failure(StorageError("cluster stopped\n"))) == (CloseReason.STORAGE,
                                                                   "cluster stopped")
    assert refusal(Failure(psycopg2.OperationalError("server closed the connection\n"))) == (
        CloseReason.STORAGE, "server closed the connection")
    assert refusal(Failure(ConnectionLost("lost"))) == (CloseReason.STORAGE, "lost")
    assert refusal(Failure(ZeroDivisionError("bug"))) is None
