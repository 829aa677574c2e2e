"""The GTFS-Realtime message built from the buses' live state (pure)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from google.transit import gtfs_realtime_pb2

from db.transit import BusLive
from maps.api.gtfs_rt import build_feed, feed_json
from tests.egts_server.retranslator.helpers import T0


def bus(id_: int, age_s: float, route: str | None = None, trip: str | None = None) -> BusLive:
    return BusLive(id=id_, name=f"ПАЗ-320414 (гар. № {id_:03d})", plate=f"А{id_:03d}ВС27",
                   route_number=route, trip_id=trip, fix_time=T0 - timedelta(seconds=age_s),
                   latitude=50.55 + id_ / 1000, longitude=137.01, speed_kmh=36.0,
                   course_deg=90.0)


def parsed(buses: list[BusLive], stale_after_s: float = 300.0) -> gtfs_realtime_pb2.FeedMessage:
    """Serialize and parse back, as a consumer would."""
    message = gtfs_realtime_pb2.FeedMessage()
    message.ParseFromString(build_feed(buses, T0, stale_after_s).SerializeToString())
    return message


def test_header_is_a_full_dataset_at_now() -> None:
    """Version 2.0, FULL_DATASET, POSIX timestamp of the build."""
    header = parsed([]).header
    assert header.gtfs_realtime_version == "2.0"
    assert header.incrementality == gtfs_realtime_pb2.FeedHeader.FULL_DATASET
    assert header.timestamp == int(T0.timestamp())


def test_bus_entity_carries_position_speed_in_metres_per_second_and_trip() -> None:
    """Vehicle id, label and plate; lat/lon, bearing, 36 km/h = 10 m/s; route and trip."""
    (entity,) = parsed([bus(7, 10, route="5", trip="5-0712")]).entity
    vp = entity.vehicle
    assert (vp.vehicle.id, vp.vehicle.label, vp.vehicle.license_plate) == (
        "7", "ПАЗ-320414 (гар. № 007)", "А007ВС27")
    assert vp.position.latitude == pytest.approx(50.557, abs=1e-5)
    assert vp.position.longitude == pytest.approx(137.01, abs=1e-5)
    assert (vp.position.bearing, vp.position.speed) == (90.0, pytest.approx(10.0))
    assert vp.timestamp == int(T0.timestamp()) - 10
    assert (vp.trip.route_id, vp.trip.trip_id) == ("5", "5-0712")


def test_unassigned_bus_has_no_trip_and_stale_bus_is_left_out() -> None:
    """No route: no TripDescriptor; older than stale_after_s: not in the feed at all."""
    feed = parsed([bus(1, 0), bus(2, 301), bus(3, 299, route="11")])
    assert [e.vehicle.vehicle.id for e in feed.entity] == ["1", "3"]
    assert not feed.entity[0].vehicle.HasField("trip")
    assert feed.entity[1].vehicle.trip.route_id == "11" and not feed.entity[1].vehicle.trip.trip_id


def test_json_rendering_uses_the_proto_field_names() -> None:
    """The debugging JSON mirrors the message (snake_case names, same values)."""
    doc = feed_json(build_feed([bus(4, 0, route="20")], T0, 300))
    (entity,) = doc["entity"]
    assert doc["header"]["gtfs_realtime_version"] == "2.0"
    assert entity["vehicle"]["trip"] == {"route_id": "20"}
    assert entity["vehicle"]["vehicle"]["license_plate"] == "А004ВС27"
