"""The public GTFS-Realtime VehiclePositions feed of buses, and a JSON rendering of it.

``/gtfs-rt/vehicle-positions.pb`` is what journey planners poll (every 10-30 s, no sign-in);
``/gtfs-rt/vehicle-positions.json`` is the same message as JSON, for people debugging it.
Both come from one ``FeedMessage`` built by ``build_feed`` from the buses' live state: one
entity per bus with vehicle id and label, position, bearing, speed in m/s and the fix's
timestamp; the trip (route_id = the route number, trip_id when known) when the bus is
assigned to a route (``glonass-dispatch vehicles assign``). A bus whose last fix is older than
``gtfs_rt.stale_after_s`` is left out: consumers would otherwise show a parked bus as running.

The feed is built at most once per ``CACHE_S`` and shared by every request in between, so a
crowd of pollers costs one query, not one each.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Final

from google.protobuf.json_format import MessageToDict
from google.transit import gtfs_realtime_pb2
from twisted.internet.defer import Deferred, succeed
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request

from db.standby import Interactions
from db.transit import BusLive, live_buses
from maps.api.late_reply import write_body, write_unavailable

GTFS_RT_VERSION: Final = "2.0"
CACHE_S: Final = 2.0
PROTOBUF_TYPE: Final = b"application/x-protobuf"
Clock = Callable[[], datetime]
log = Logger()


def build_feed(buses: Sequence[BusLive], now: datetime,
               stale_after_s: float) -> gtfs_realtime_pb2.FeedMessage:
    """A FULL_DATASET message: every bus seen within ``stale_after_s`` of ``now``."""
    feed = gtfs_realtime_pb2.FeedMessage()
    feed.header.gtfs_realtime_version = GTFS_RT_VERSION
    feed.header.incrementality = gtfs_realtime_pb2.FeedHeader.FULL_DATASET
    feed.header.timestamp = int(now.timestamp())
    for bus in buses:
        if (now - bus.fix_time).total_seconds() > stale_after_s:
            continue
        entity = feed.entity.add()
        entity.id = f"bus-{bus.id}"
        vp = entity.vehicle
        vp.vehicle.id = str(bus.id)
        vp.vehicle.label = bus.name
        if bus.plate:
            vp.vehicle.license_plate = bus.plate
        vp.position.latitude = bus.latitude
        vp.position.longitude = bus.longitude
        vp.position.bearing = bus.course_deg % 360
        vp.position.speed = bus.speed_kmh / 3.6  # GTFS-RT speed is in metres per second
        vp.timestamp = int(bus.fix_time.timestamp())
        if bus.route_number:
            vp.trip.route_id = bus.route_number
            if bus.trip_id:
                vp.trip.trip_id = bus.trip_id
    return feed


def feed_json(feed: gtfs_realtime_pb2.FeedMessage) -> dict[str, Any]:
    """The protobuf's canonical JSON mapping, with the .proto's own field names."""
    rendered: dict[str, Any] = MessageToDict(feed, preserving_proto_field_name=True)
    return rendered


class GtfsRealtime(Resource):
    """``/gtfs-rt/``: the feed as protocol buffers and as JSON."""

    def __init__(self, pool: Interactions, clock: Clock, stale_after_s: float,
                 monotonic: Callable[[], float] | None = None) -> None:
        super().__init__()
        source = _FeedSource(pool, clock, stale_after_s, monotonic)
        self.putChild(b"vehicle-positions.pb", _FeedResource(source, as_json=False))
        self.putChild(b"vehicle-positions.json", _FeedResource(source, as_json=True))


class _FeedSource:
    """Builds the feed, reusing one built less than ``CACHE_S`` ago."""

    def __init__(self, pool: Interactions, clock: Clock, stale_after_s: float,
                 monotonic: Callable[[], float] | None) -> None:
        self._pool, self._clock, self._stale_after_s = pool, clock, stale_after_s
        self._monotonic = monotonic or time.monotonic
        self._cached: tuple[float, gtfs_realtime_pb2.FeedMessage] | None = None

    def feed(self) -> Deferred[gtfs_realtime_pb2.FeedMessage]:
        at = self._monotonic()
        if self._cached is not None and at - self._cached[0] < CACHE_S:
            return succeed(self._cached[1])
        buses: Deferred[list[BusLive]] = self._pool.runInteraction(live_buses)

        def built(rows: list[BusLive]) -> gtfs_realtime_pb2.FeedMessage:
            feed = build_feed(rows, self._clock(), self._stale_after_s)
            self._cached = (at, feed)
            return feed

        return buses.addCallback(built)


class _FeedResource(Resource):
    isLeaf = True

    def __init__(self, source: _FeedSource, *, as_json: bool) -> None:
        super().__init__()
        self._source, self._as_json = source, as_json

    def render_GET(self, request: Request) -> int:  # noqa: N802 (Twisted's name)
        self._source.feed().addCallbacks(lambda feed: self._write(request, feed),
                                         lambda failure: self._fail(request, failure))
        return NOT_DONE_YET

    def _write(self, request: Request, feed: gtfs_realtime_pb2.FeedMessage) -> None:
        if self._as_json:
            body = json.dumps(feed_json(feed), ensure_ascii=False, indent=1).encode("utf-8")
            content_type = b"application/json; charset=utf-8"
        else:
            body, content_type = feed.SerializeToString(), PROTOBUF_TYPE
        write_body(request, body, {b"content-type": content_type,
                                   b"cache-control": f"public, max-age={int(CACHE_S)}".encode(),
                                   b"access-control-allow-origin": b"*"})

    def _fail(self, request: Request, failure: Failure) -> None:
        log.failure("GTFS-Realtime feed failed", failure)
        write_unavailable(request, "feed temporarily unavailable\n")
