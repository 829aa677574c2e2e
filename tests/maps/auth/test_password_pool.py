"""Password hashing off the reactor in a pool of its own, with a bounded queue: a flood of
sign-ins past it is refused at once instead of waiting."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from twisted.internet.defer import Deferred

from maps.auth.password_pool import HashingBusy, PasswordPool
from maps.auth.passwords import hash_password

STORED = hash_password("zima-2026!", salt=bytes(16))


class ThreadedReactor:
    """Just the reactor calls the pool makes: start-up and shutdown hooks are kept for the test
    to run; a result from a hashing thread is delivered on that thread."""

    def __init__(self) -> None:
        self.when_running: list[Callable[[], Any]] = []
        self.at_shutdown: list[Callable[[], Any]] = []

    def callWhenRunning(self, f: Callable[[], Any]) -> None:  # noqa: N802 (Twisted's names)
        self.when_running.append(f)

    def addSystemEventTrigger(self, phase: str, event: str,  # noqa: N802
                              f: Callable[[], Any]) -> None:
        assert (phase, event) == ("during", "shutdown")
        self.at_shutdown.append(f)

    def callFromThread(self, f: Callable[..., Any], *args: Any, **kw: Any) -> None:  # noqa: N802
        f(*args, **kw)

    def run(self) -> None:
        for f in self.when_running:
            f()

    def stop(self) -> None:
        for f in self.at_shutdown:
            f()


@pytest.fixture()
def reactor() -> Iterator[ThreadedReactor]:
    stub = ThreadedReactor()
    yield stub
    stub.stop()


def outcome(d: Deferred[Any]) -> Any:
    """What ``d`` fires with (a result, or the failure's exception), waiting for the thread."""
    done, box = threading.Event(), []

    def keep(value: Any) -> None:
        box.append(value.value if hasattr(value, "value") else value)
        done.set()

    d.addBoth(keep)
    assert done.wait(30)
    return box[0]


def test_passwords_are_verified_and_hashed_in_the_pool(reactor: ThreadedReactor) -> None:
    pool = PasswordPool(reactor, threads=2)
    reactor.run()
    assert outcome(pool.verify("zima-2026!", STORED)) is True
    assert outcome(pool.verify("leto-2026!", STORED)) is False
    fresh = outcome(pool.hash("vesna-2026!"))
    assert fresh.startswith("scrypt$") and outcome(pool.verify("vesna-2026!", fresh)) is True


def test_a_sign_in_past_the_queue_is_refused_at_once(reactor: ThreadedReactor) -> None:
    """Before the pool runs nothing is hashed, so the queue fills; the refusal does not wait."""
    pool = PasswordPool(reactor, max_waiting=2)
    waiting = [pool.verify("zima-2026!", STORED), pool.verify("leto-2026!", STORED)]
    refused = pool.verify("zima-2026!", STORED)
    assert isinstance(outcome(refused), HashingBusy)
    reactor.run()
    assert [outcome(d) for d in waiting] == [True, False]
    assert outcome(pool.verify("zima-2026!", STORED)) is True  # the queue has room again


def test_a_failed_hash_frees_its_place_in_the_queue(reactor: ThreadedReactor) -> None:
    pool = PasswordPool(reactor, max_waiting=1)
    reactor.run()
    assert isinstance(outcome(pool.hash(None)), AttributeError)  # type: ignore[arg-type]
    assert outcome(pool.verify("zima-2026!", STORED)) is True


def hashing_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "password-hashing" in t.name]


def test_the_pool_s_threads_end_with_the_reactor(reactor: ThreadedReactor) -> None:
    pool = PasswordPool(reactor)
    reactor.run()
    assert outcome(pool.verify("zima-2026!", STORED)) is True
    assert len(hashing_threads()) == 1
    reactor.stop()
    reactor.at_shutdown.clear()
    assert hashing_threads() == []
