"""Teltonika session rules beyond single packets: IMEI refusal, round trips."""

from __future__ import annotations

from types import MappingProxyType

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.teltonika import AvlRecord, Codec, Framer, Session, avl_packet, imei_message

IMEI = "356307042441013"


def identified() -> tuple[Framer, Session]:
    framer, session = Framer(), Session()
    (frame,) = framer.feed(imei_message(IMEI))
    login = session.handle(frame).login
    assert login is not None and str(login.device) == f"teltonika:{IMEI}" and login.imei == IMEI
    assert session.login_result(login, True) == b"\x01"
    return framer, session


def test_refused_imei_refuses_everything_after_it() -> None:
    framer, session = Framer(), Session()
    (frame,) = framer.feed(imei_message(IMEI))
    login = session.handle(frame).login
    assert login is not None and session.login_result(login, False) == b"\x00"
    (packet,) = framer.feed(avl_packet(Codec.CODEC_8, [RECORD]))
    assert session.handle(packet).close


def test_imei_that_is_not_digits_is_refused_and_closed() -> None:
    framer, session = Framer(), Session()
    (frame,) = framer.feed(imei_message("ABC"))
    handled = session.handle(frame)
    assert (handled.ack, handled.close, handled.login) == (b"\x00", True, None)


RECORD = AvlRecord(1_700_000_000_000, 1, 1370123456, 505512345, 40, 90, 9, 35,
                   io=MappingProxyType({1: 1, 179: 1, 9: 4200, 16: 123456, 66: 12800}))


def test_record_maps_onto_the_fix_model() -> None:
    framer, session = identified()
    (packet,) = framer.feed(avl_packet(Codec.CODEC_8, [RECORD]))
    handled = session.handle(packet)
    assert handled.ack == b"\x00\x00\x00\x01"
    (p,) = handled.positions
    assert (p.latitude, p.longitude, p.speed_kmh, p.course_deg, p.satellites) == (
        50.5512345, 137.0123456, 35.0, 90.0, 9)
    assert (p.inputs, p.odometer_m, p.valid) == (1, 123456.0, True)
    assert p.attributes["outputs"] == 1 and p.attributes["adc1"] == 4200
    assert p.attributes["voltage_main_v"] == 12.8


_IO = st.dictionaries(st.integers(1, 255), st.integers(0, 2**64 - 1), max_size=12)
_RECORDS = st.builds(
    AvlRecord, timestamp_ms=st.integers(0, 4_102_444_800_000), priority=st.integers(0, 2),
    longitude_e7=st.integers(-1_800_000_000, 1_800_000_000),
    latitude_e7=st.integers(-900_000_000, 900_000_000), altitude_m=st.integers(-32768, 32767),
    angle_deg=st.integers(0, 359), satellites=st.integers(0, 255),
    speed_kmh=st.integers(0, 65535), event_id=st.integers(0, 255),
    io=_IO.map(MappingProxyType))


@given(st.sampled_from(list(Codec)), st.lists(_RECORDS, min_size=1, max_size=6),
       st.dictionaries(st.integers(256, 65535), st.binary(max_size=40), max_size=3))
def test_avl_round_trip(codec: Codec, records: list[AvlRecord], extended: dict[int, bytes]
                        ) -> None:
    """Every codec and IO width reads back; 8 Extended also carries variable-length elements."""
    if codec == Codec.CODEC_8_EXTENDED:
        records = [AvlRecord(r.timestamp_ms, r.priority, r.longitude_e7, r.latitude_e7,
                             r.altitude_m, r.angle_deg, r.satellites, r.speed_kmh, r.event_id,
                             io=MappingProxyType({**r.io, **extended})) for r in records]
    if codec == Codec.CODEC_16:
        records = [AvlRecord(r.timestamp_ms, r.priority, r.longitude_e7, r.latitude_e7,
                             r.altitude_m, r.angle_deg, r.satellites, r.speed_kmh, r.event_id,
                             generation=3, io=r.io) for r in records]
    framer, session = identified()
    (packet,) = framer.feed(avl_packet(codec, records))
    handled = session.handle(packet)
    assert handled.error is None
    assert handled.ack == len(records).to_bytes(4, "big")
    for record, position in zip(records, handled.positions, strict=True):
        assert position.latitude == record.latitude_e7 / 1e7
        assert position.longitude == record.longitude_e7 / 1e7
        for element, value in record.io.items():
            raw = position.attributes[f"io{element}"]
            assert raw == (value.hex() if isinstance(value, bytes) else value)


def test_fuzz_target_holds_on_mutated_corpus_packets() -> None:
    from tests.fuzz.fuzz_teltonika import random_run

    random_run(300, seed=7)
