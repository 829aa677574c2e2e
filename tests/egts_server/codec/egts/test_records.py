"""Service data records: every RFL option, splitting, and subrecord iteration."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts import RecordHeader, ServiceDataRecord
from egts_server.codec.egts.records import decode_records, split_records
from egts_server.codec.egts.subrecords import PosData, UnknownSubrecord, iter_subrecords
from egts_server.codec.errors import FormatError, TruncatedError
from egts_server.codec.reader import ByteReader
from tests.builders import egts as build


def test_every_rfl_option_decodes_and_round_trips() -> None:
    """OID, EVID, TM, SSOD, RSOD, GRP and RPP all survive decode/encode."""
    data = build.record(rn=513, sst=2, rst=2, oid=7, evid=8, tm=9, ssod=True, rsod=True,
                        grp=True, rpp=2, subrecords=[build.subrecord(16, build.pos_data())])
    record = ServiceDataRecord.decode(ByteReader(data))
    assert record.header == RecordHeader(rn=513, sst=2, rst=2, oid=7, evid=8, tm=9, ssod=True,
                                         rsod=True, group=True, priority=2)
    assert record.header.flags == 0b1111_0111
    assert record.encode() == data


def test_record_without_options_is_seven_bytes_of_header() -> None:
    """RFL 0: RL, RN, RFL, SST, RST and then RD."""
    data = bytes.fromhex("0400" "0500" "00" "01" "01" "09010000")  # RL 4, RN 5, RFL 0, AUTH, RD
    record = ServiceDataRecord.decode(ByteReader(data))
    assert record.header == RecordHeader(rn=5, sst=1, rst=1)
    assert record.encode() == data


def test_record_time_is_since_2010() -> None:
    """TM counts seconds from 2010-01-01 UTC."""
    header = RecordHeader(rn=0, sst=2, rst=2, tm=86400)
    assert header.time is not None and header.time.isoformat() == "2010-01-02T00:00:00+00:00"


def test_split_records_cuts_each_record() -> None:
    """Several records back to back are cut by RL."""
    body = build.pos_record(rn=1) + build.pos_record(rn=2)
    assert [r.header.rn for r in split_records(ByteReader(body))] == [1, 2]


def test_rl_overrunning_the_body_is_truncated() -> None:
    """RL beyond SFRD raises TruncatedError (the packet cannot be split)."""
    with pytest.raises(TruncatedError):
        split_records(ByteReader(build.record(rl=200, subrecords=[b"\x10\x00\x00"])))


def test_truncated_record_header_is_truncated() -> None:
    """A record header cut short raises TruncatedError."""
    with pytest.raises(TruncatedError):
        split_records(ByteReader(bytes.fromhex("1800000000" "01")))


def test_unknown_srt_is_kept_raw() -> None:
    """SRT 99 in TELEDATA becomes UnknownSubrecord with its SRD verbatim."""
    rd = build.subrecord(16, build.pos_data()) + build.subrecord(99, b"\xaa\xbb")
    subs = list(iter_subrecords(2, ByteReader(rd)))
    assert isinstance(subs[0], PosData)
    assert subs[1] == UnknownSubrecord(service=2, srt=99, data=b"\xaa\xbb")


def test_srt_meaning_depends_on_service() -> None:
    """SRT 16 in an unknown service is not POS_DATA."""
    rd = build.subrecord(16, build.pos_data())
    assert isinstance(next(iter_subrecords(64, ByteReader(rd))), UnknownSubrecord)


def test_srl_overrunning_rd_is_truncated() -> None:
    """An SRL larger than what is left of RD raises TruncatedError."""
    with pytest.raises(TruncatedError):
        list(iter_subrecords(2, ByteReader(build.subrecord(16, build.pos_data(), srl=40))))


def test_leftover_bytes_in_a_known_subrecord_are_a_format_error() -> None:
    """Strict policy: a known table that leaves SRD bytes unread is refused."""
    rd = build.subrecord(0, build.record_response(1) + b"\x00")
    with pytest.raises(FormatError):
        list(iter_subrecords(2, ByteReader(rd)))


def test_decode_records_round_trips_a_body() -> None:
    """Every record of a body decodes and encodes back to the same bytes."""
    body = build.pos_record(rn=1) + build.auth_record(rn=2)
    records = decode_records(ByteReader(body))
    assert b"".join(r.encode() for r in records) == body


optional32 = st.one_of(st.none(), st.integers(0, 2**32 - 1))
unknown = st.builds(UnknownSubrecord, service=st.just(64), srt=st.integers(0, 255),
                    data=st.binary(max_size=16))


@given(st.integers(0, 0xFFFF), optional32, optional32, optional32, st.booleans(), st.booleans(),
       st.booleans(), st.integers(0, 3), st.lists(unknown, max_size=4))
def test_any_record_round_trips(rn: int, oid: int | None, evid: int | None, tm: int | None,
                                ssod: bool, rsod: bool, grp: bool, rpp: int,
                                subs: list[UnknownSubrecord]) -> None:
    """Every header option combination and raw subrecords survive encode/decode."""
    subs = [s for s in subs if s.srt != 0]  # SRT 0 is RECORD_RESPONSE in every service
    record = ServiceDataRecord(
        header=RecordHeader(rn=rn, sst=64, rst=64, oid=oid, evid=evid, tm=tm, ssod=ssod,
                            rsod=rsod, group=grp, priority=rpp), subrecords=tuple(subs))
    assert ServiceDataRecord.decode(ByteReader(record.encode())) == record
