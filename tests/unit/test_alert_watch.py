"""The alert job: judges at start and on schedule, stores what holds, outlives an outage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from twisted.internet.defer import Deferred, fail, maybeDeferred, succeed
from twisted.internet.task import Clock
from twisted.logger import Logger, LogLevel

from db import alerts as store
from db.pool import StorageUnavailable
from dispatch.alert_sources import StormSilence
from dispatch.alerts import Condition, FleetSnapshot, LastFix
from dispatch.equipment import EquipmentSensor, VehicleInfo
from dispatch.fixes import FixArrays
from dispatch.storms import Storm
from egts_server.alert_watch import AlertWatch

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)


def snapshot(now: datetime) -> FleetSnapshot:
    """Plough 7, last heard 20 minutes ago, during a storm declared an hour ago."""
    return FleetSnapshot(
        now=now, fixes=FixArrays.empty(), routes=[],
        vehicles={7: VehicleInfo(7, "КДМ 7", "plow", tool="blade",
                                 sensor=EquipmentSensor("input", number=1))},
        storms=[Storm(id=1, name="Метель", started_at=now - timedelta(hours=1))],
        last_fixes={7: LastFix((now - timedelta(minutes=20)).timestamp(), 137.0, 50.5)})


class OutageFirstPool:
    """The first interaction fails as an outage does; then snapshots and stores succeed."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def runInteraction(self, work: Callable[..., Any], *args: Any) -> Deferred[Any]:  # noqa: N802
        self.calls.append((work.__name__, args))
        if len(self.calls) == 1:
            return fail(StorageUnavailable("could not connect"))
        if work is store.fleet_snapshot:
            return succeed(snapshot(args[0]))
        return succeed(store.Synced(len(args[0]), 0))


def test_an_outage_is_one_failed_round_and_the_next_stores_what_holds() -> None:
    reactor, pool = Clock(), OutageFirstPool()
    watch = AlertWatch(pool, [StormSilence(900.0)], 60.0, reactor,  # type: ignore[arg-type]
                       lambda: NOW + timedelta(seconds=reactor.seconds()),
                       in_thread=maybeDeferred)
    logged: list[dict[str, Any]] = []
    watch.log = Logger(observer=logged.append)
    watch.startService()
    assert pool.calls == [("fleet_snapshot", (NOW, 0.0))]
    # an outage is a one-line warning, not a traceback
    assert [(e["log_level"], "log_failure" in e) for e in logged] == [(LogLevel.warn, False)]
    reactor.advance(60)
    later = NOW + timedelta(seconds=60)
    assert pool.calls[1:] == [
        ("fleet_snapshot", (later, 0.0)),
        ("sync", ([Condition("silent_during_storm", 7, (later - timedelta(minutes=20))
                             .timestamp(), 137.0, 50.5,
                             {"storm_id": 1, "storm": "Метель", "silent_min": 20.0})],
                  ["silent_during_storm"], later))]
    assert logged[1]["log_format"] == "alerts: {raised} raised, {cleared} closed"
    watch.stopService()
