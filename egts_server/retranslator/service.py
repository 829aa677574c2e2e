"""The retranslator service: one feeder per configured upstream, each pumping its queue.

A feeder holds the upstream's lease (so one ``serve`` process at a time feeds it; another
takes over within ``LEASE_S`` of the holder dying), connects, logs in, then loops: fetch the
oldest queued fixes per vehicle, send them as one round, record the round's confirmations in
the database, fetch again. Nothing in memory matters across a restart: the queue and the
counters are in PostGIS, so a crash costs at most one round sent twice (the upstream stores a
resent fix once, as our own intake does).

After a lost connection or a refused login the next attempt waits ``reconnect_s`` (30 s,
TL_RECONNECT_TO), doubling up to ``reconnect_max_s``; a successful login resets that.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from twisted.application.service import MultiService, Service
from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred, succeed
from twisted.internet.interfaces import IDelayedCall
from twisted.internet.task import LoopingCall
from twisted.logger import Logger
from twisted.python.failure import Failure

from db import retranslation as queue
from db.retranslation import Refused, UpstreamDelivery, UpstreamRow
from egts_server.retranslator.client import UpstreamFactory, UpstreamProtocol
from egts_server.retranslator.conversation import Conversation, RoundResult, Timing, code_name
from egts_server.retranslator.plan import Backoff, by_vehicle, oid_for, pack
from egts_server.retranslator.settings import RetranslatorSettings, UpstreamSettings

LEASE_S: Final = 30.0  # a dead holder's upstream is taken over after this long
RENEW_S: Final = 10.0
REFUSED_PAUSE_S: Final = 300.0  # a vehicle the upstream refused is retried after this long
ROUND_RECORDS: Final = 2000  # records per round: what one TL_RESPONSE_TO can absorb
CONNECT_TIMEOUT_S: Final = 10.0
SYNC_RETRY_S: Final = 5.0
STATUS_REFRESH_S: Final = 10.0

Clock = Callable[[], datetime]


def process_owner() -> str:
    """Who holds a lease: host and process, as an operator would look for it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def upstream_row(u: UpstreamSettings) -> UpstreamRow:
    return UpstreamRow(name=u.name, address=f"{u.host}:{u.port}", enabled=u.enabled,
                       vehicle_ids=tuple(u.vehicles), kinds=tuple(u.kinds))


class UpstreamFeeder(Service):
    """Feeds one upstream while this process holds its lease."""

    log = Logger()

    def __init__(self, upstream: UpstreamSettings, options: RetranslatorSettings,
                 pool: adbapi.ConnectionPool, reactor: Any, clock: Clock, owner: str) -> None:
        self.upstream_name = upstream.name
        self.upstream_id: int | None = None
        self._u = upstream
        self._options = options
        self._pool = pool
        self._reactor = reactor
        self._clock = clock
        self._owner = owner
        self._oid_map = {int(k): v for k, v in upstream.oids.items()}
        self._timing = Timing(response_timeout_s=options.response_timeout_s,
                              resend_attempts=options.resend_attempts)
        self._backoff = Backoff(options.reconnect_s, options.reconnect_max_s)
        self._lease = LoopingCall(self._renew_lease)
        self._lease.clock = reactor
        self._active = False  # we hold the lease and keep a connection going
        self._standby_reported = False
        self._connector: Any = None
        self._connection: UpstreamProtocol | None = None
        self._retry: IDelayedCall | None = None
        self._pump_call: IDelayedCall | None = None
        self._busy = False  # a fetch or a confirmation is running
        self._refusal: int | None = None
        self._attempts = 0
        self._oids: dict[int, int] = {}
        self._paused: dict[int, float] = {}  # vehicle -> reactor time its refusal expires

    # -- lifecycle -----------------------------------------------------------------------------

    def begin(self, upstream_id: int) -> None:
        """The upstream has its row; start competing for its lease."""
        self.upstream_id = upstream_id
        if self.running and not self._lease.running:
            self._lease.start(RENEW_S, now=True)

    def startService(self) -> None:  # noqa: N802
        super().startService()
        if self.upstream_id is not None and not self._lease.running:
            self._lease.start(RENEW_S, now=True)

    def stopService(self) -> Deferred[None]:  # noqa: N802
        super().stopService()
        if self._lease.running:
            self._lease.stop()
        for call in (self._retry, self._pump_call):
            if call is not None and call.active():
                call.cancel()
        self._retry = self._pump_call = None
        was_active, self._active = self._active, False
        self._disconnect()
        if not was_active or self.upstream_id is None:
            return succeed(None)
        d: Deferred[None] = self._pool.runInteraction(queue.release_lease, self.upstream_id,
                                                      self._owner)
        d.addErrback(lambda _: None)  # the lease simply expires
        return d

    # -- lease -----------------------------------------------------------------------------------

    def _renew_lease(self) -> Deferred[None]:
        assert self.upstream_id is not None
        d: Deferred[bool] = self._pool.runInteraction(queue.claim_lease, self.upstream_id,
                                                      self._owner, LEASE_S)
        return d.addCallbacks(self._leased, self._lease_failed)

    def _leased(self, held: bool) -> None:
        if not self.running:
            return
        if held and not self._active:
            self._active, self._standby_reported = True, False
            self._connect()
        elif not held and self._active:
            self.log.warn("retranslator {upstream}: another process took over the lease",
                          upstream=self.upstream_name)
            self._active = False
            self._disconnect()
        if not held and not self._standby_reported:
            self._standby_reported = True
            self.log.info("retranslator {upstream}: fed by another process; standing by",
                          upstream=self.upstream_name)

    def _lease_failed(self, failure: Failure) -> None:
        # The database is away: keep whatever connection we have (the lease outlives a short
        # outage); the next renewal decides.
        self.log.warn("retranslator {upstream}: cannot renew the lease: {error}",
                      upstream=self.upstream_name, error=failure.getErrorMessage().strip())

    # -- connection ------------------------------------------------------------------------------

    def _connect(self) -> None:
        if self._retry is not None and self._retry.active():
            self._retry.cancel()  # the lease came back while a reconnect was pending
        self._retry = None
        if not (self.running and self._active) or self._connector is not None:
            return
        self._attempts += 1
        self._refusal = None
        conversation = Conversation(dispatcher_id=self._u.dispatcher_id,
                                    description=self._u.description.encode("cp1251", "replace"),
                                    timing=self._timing)
        tick_s = min(1.0, self._timing.response_timeout_s / 4)
        factory = UpstreamFactory(self, conversation, self._reactor, tick_s)
        self._state("connecting", f"{self._u.host}:{self._u.port}")
        self._connector = self._reactor.connectTCP(self._u.host, self._u.port, factory,
                                                   timeout=CONNECT_TIMEOUT_S)

    def _disconnect(self) -> None:
        connector, self._connector = self._connector, None
        if connector is not None:
            connector.disconnect()

    def logged_in(self, connection: UpstreamProtocol) -> None:
        self._connection = connection
        self._backoff.reset()
        self.log.info("retranslator {upstream}: logged in to {host}:{port} as dispatcher {did}"
                      " after {attempts} attempt(s)", upstream=self.upstream_name,
                      host=self._u.host, port=self._u.port, did=self._u.dispatcher_id,
                      attempts=self._attempts)
        self._attempts = 0
        self._state("logged_in", f"{self._u.host}:{self._u.port}", logged_in=True)
        self._pump()

    def login_refused(self, code: int) -> None:
        self._refusal = code

    def connection_lost(self, why: str) -> None:
        self._connection = None
        self._connector = None
        if not (self.running and self._active):
            return
        delay = self._backoff.next()
        if self._refusal is not None:
            detail = f"login refused with result code {code_name(self._refusal)}"
            self.log.warn("retranslator {upstream}: {host}:{port} refused the login of"
                          " dispatcher {did} with result code {code}; retrying in {delay:g}s"
                          " (attempt {attempts})", upstream=self.upstream_name, host=self._u.host,
                          port=self._u.port, did=self._u.dispatcher_id,
                          code=code_name(self._refusal), result_code=self._refusal,
                          delay=delay, attempts=self._attempts)
            self._state("refused", f"{detail}; next attempt in {delay:g} s")
        else:
            self.log.warn("retranslator {upstream}: {why}; reconnecting in {delay:g}s",
                          upstream=self.upstream_name, why=why, delay=delay)
            self._state("disconnected", f"{why}; next attempt in {delay:g} s")
        self._retry = self._reactor.callLater(delay, self._connect)

    # -- the pump --------------------------------------------------------------------------------

    def _pump(self) -> None:
        self._pump_call = None
        conn = self._connection
        if self._busy or conn is None or not conn.ready or self.upstream_id is None:
            return
        self._busy = True
        now = self._reactor.seconds()
        self._paused = {v: until for v, until in self._paused.items() if until > now}
        d: Deferred[list[queue.QueuedFix]] = self._pool.runInteraction(
            queue.fetch_pending, self.upstream_id, per_vehicle=self._options.records_per_packet,
            max_vehicles=max(1, ROUND_RECORDS // self._options.records_per_packet),
            exclude=sorted(self._paused))
        d.addCallbacks(self._fetched, self._db_failed, errbackArgs=("read the queue",))

    def _fetched(self, fixes: list[queue.QueuedFix]) -> None:
        self._busy = False
        conn = self._connection
        if conn is None or not conn.ready:
            return  # lost meanwhile: the fixes are still queued
        if not fixes:
            self._later(self._options.poll_interval_s)
            return
        oids = {f.key.vehicle_id: oid_for(f.key.vehicle_id, f.egts_identifier, self._oid_map)
                for f in fixes}
        self._oids.update(oids)
        conn.send_round(pack(by_vehicle(fixes, oids), self._options.records_per_packet))

    def round_done(self, result: RoundResult) -> None:
        if self.upstream_id is None:
            return
        self._note_refusals(result)
        self._busy = True
        d: Deferred[int] = self._pool.runInteraction(
            queue.confirm, self.upstream_id,
            delivered=[item.fix.key for item in result.delivered],
            refused=[Refused(item.fix.key, code) for item, code in result.refused],
            sent=result.sent, oids=self._oids, now=self._clock())
        d.addCallbacks(self._confirmed, self._db_failed, errbackArgs=("record confirmations",))

    def _confirmed(self, _: int) -> None:
        self._busy = False
        self._pump()

    def _db_failed(self, failure: Failure, what: str) -> None:
        self._busy = False
        self.log.warn("retranslator {upstream}: cannot {what}: {error}; trying again shortly",
                      upstream=self.upstream_name, what=what,
                      error=failure.getErrorMessage().strip())
        self._later(max(self._options.poll_interval_s, 1.0))

    def _later(self, delay: float) -> None:
        if self._pump_call is None or not self._pump_call.active():
            self._pump_call = self._reactor.callLater(delay, self._pump)

    def _note_refusals(self, result: RoundResult) -> None:
        until = self._reactor.seconds() + REFUSED_PAUSE_S
        for item, code in result.refused:
            if item.vehicle_id in self._paused:
                continue
            self._paused[item.vehicle_id] = until
            self.log.warn("retranslator {upstream}: refused vehicle {vehicle} (OID {oid}) fix of"
                          " {fix_time} with result code {code}; its fixes stay queued, next try"
                          " in {pause:.0f}s", upstream=self.upstream_name, vehicle=item.vehicle_id,
                          oid=item.oid, fix_time=item.fix.key.fix_time.isoformat(),
                          code=code_name(code), result_code=code, pause=REFUSED_PAUSE_S)

    def _state(self, state: str, detail: str, *, logged_in: bool = False) -> None:
        if self.upstream_id is None:
            return
        d: Deferred[None] = self._pool.runInteraction(queue.set_state, self.upstream_id, state,
                                                      detail, logged_in=logged_in)
        d.addErrback(lambda _: None)  # the console shows a stale state; delivery goes on


class RetranslationService(MultiService):
    """Every upstream's feeder, the start-up sync of the configuration, and the snapshot of
    delivery figures that ``/metrics`` reads (scrapes must not wait for the database)."""

    log = Logger()

    def __init__(self, settings: RetranslatorSettings, pool: adbapi.ConnectionPool,
                 reactor: Any, clock: Clock, owner: str | None = None) -> None:
        super().__init__()
        self._settings = settings
        self._pool = pool
        self._reactor = reactor
        self.snapshot: list[UpstreamDelivery] = []
        owner = owner or process_owner()
        self.feeders = {u.name: UpstreamFeeder(u, settings, pool, reactor, clock, owner)
                        for u in settings.upstreams if u.enabled}
        for feeder in self.feeders.values():
            feeder.setServiceParent(self)
        self._status = LoopingCall(self.refresh)
        self._status.clock = reactor
        self._sync_call: IDelayedCall | None = None

    def startService(self) -> None:  # noqa: N802
        super().startService()
        self._sync()

    def stopService(self) -> Deferred[None]:  # noqa: N802
        if self._status.running:
            self._status.stop()
        if self._sync_call is not None and self._sync_call.active():
            self._sync_call.cancel()
        d: Deferred[None] = super().stopService()
        return d

    def refresh(self) -> Deferred[None]:
        """Re-read the delivery figures (every STATUS_REFRESH_S); never fails."""
        d: Deferred[list[UpstreamDelivery]] = self._pool.runInteraction(queue.delivery_report)

        def keep(report: list[UpstreamDelivery]) -> None:
            self.snapshot = report

        return d.addCallbacks(keep, lambda _: None)

    def _sync(self) -> None:
        self._sync_call = None
        rows = [upstream_row(u) for u in self._settings.upstreams]
        d: Deferred[dict[str, int]] = self._pool.runInteraction(queue.sync_upstreams, rows)
        d.addCallbacks(self._synced, self._sync_failed)

    def _synced(self, ids: dict[str, int]) -> None:
        if not self.running:
            return
        for name, feeder in self.feeders.items():
            feeder.begin(ids[name])
        if self.feeders:
            self.log.info("retranslator: feeding {names}", names=", ".join(self.feeders))
        self._status.start(STATUS_REFRESH_S, now=True)

    def _sync_failed(self, failure: Failure) -> None:
        self.log.warn("retranslator: cannot register the upstreams ({error}); retrying in {s}s",
                      error=failure.getErrorMessage().strip(), s=SYNC_RETRY_S)
        if self.running:
            self._sync_call = self._reactor.callLater(SYNC_RETRY_S, self._sync)
