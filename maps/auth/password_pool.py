"""Password hashing in a small thread pool of its own.

scrypt costs tens of milliseconds of CPU and 16 MiB per call. Run in the database pool, a
burst of sign-ins held every connection thread and pages and API reads queued behind it;
here it waits in its own bounded queue, and a flood past that queue is refused at once.
"""

from __future__ import annotations

from typing import Any

from twisted.internet.defer import Deferred, fail
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from maps.auth.passwords import hash_password, verify_password


class HashingBusy(Exception):
    """More sign-ins are waiting for a hash than the pool takes."""


class PasswordPool:
    def __init__(self, reactor: Any, *, threads: int = 1, max_waiting: int = 32) -> None:
        self._reactor, self._max_waiting = reactor, max_waiting
        self._pool = ThreadPool(minthreads=0, maxthreads=threads, name="password-hashing")
        self._waiting = 0
        reactor.callWhenRunning(self._pool.start)
        reactor.addSystemEventTrigger("during", "shutdown", self._pool.stop)

    def verify(self, password: str, stored: str) -> Deferred[bool]:
        return self._run(verify_password, password, stored)

    def hash(self, password: str) -> Deferred[str]:
        return self._run(hash_password, password)

    def _run(self, work: Any, *args: Any) -> Deferred[Any]:
        if self._waiting >= self._max_waiting:
            return fail(HashingBusy())
        self._waiting += 1
        d: Deferred[Any] = deferToThreadPool(self._reactor, self._pool, work, *args)

        def done(result: Any) -> Any:
            self._waiting -= 1
            return result

        return d.addBoth(done)
