"""Reply builders and the error -> reaction table."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts import (
    REACTIONS,
    Confirmation,
    Packet,
    PacketType,
    ResponseHead,
    ResultCode,
    TransportHeader,
    build_response,
    build_result_code,
    reaction_for,
)
from egts_server.codec.egts.responses import Counter16, confirmation_records
from egts_server.codec.errors import (
    ChecksumError,
    CodecError,
    HeaderChecksumError,
    HeaderEncodingError,
    UnsupportedProtocolError,
)
from tests.builders import egts as build

# research/egts.md §5 example (corpus satis-nav_packet): PID 0, RN 0, confirms RN 0 of TELEDATA
SATIS_ACK = bytes.fromhex(
    "0100000b00" "1000" "0000" "00" "68"  # header: FDL 16, PID 0, PT_RESPONSE, HCS
    "0000" "00"  # RPID 0, PR 0
    "0600" "0000" "00" "02" "02"  # SDR: RL 6, RN 0, RFL 0, SST/RST TELEDATA
    "00" "0300" "0000" "00"  # RECORD_RESPONSE: CRN 0, RST 0
    "f6e4"  # SFRCS
)
# research/egts.md §5 example (corpus const-server-result-code-ok)
RESULT_OK = bytes.fromhex("0100000b000b00010001190400010000010109010000dd45")


def test_pt_response_matches_the_published_example() -> None:
    """Our PT_RESPONSE is byte-identical to the documented one."""
    assert build_response(pid=0, rpid=0, result=0,
                          confirmations=[Confirmation(2, 0, 0)]) == SATIS_ACK


def test_result_code_matches_the_published_example() -> None:
    """Our RESULT_CODE packet is byte-identical to the documented one."""
    assert build_result_code(pid=1, rn=1, code=0) == RESULT_OK


def test_packet_level_reply_has_no_records() -> None:
    """A refusal is RPID + PR only."""
    assert build_response(pid=3, rpid=9, result=138) == build.record_ack(rpid=9, pr=138, pid=3)


@pytest.mark.parametrize(("error", "code", "keep"), [
    (UnsupportedProtocolError("x"), ResultCode.UNS_PROTOCOL, False),
    (HeaderChecksumError("x"), ResultCode.HEADERCRC_ERROR, False),
    (HeaderEncodingError("x"), ResultCode.INC_HEADERFORM, True),
    (ChecksumError("SFRCS", 1, 2), ResultCode.DATACRC_ERROR, True),
    (CodecError("x"), ResultCode.INC_DATAFORM, True),
])
def test_reaction_follows_the_table(error: CodecError, code: ResultCode, keep: bool) -> None:
    """reaction_for picks the most specific table row."""
    reaction = reaction_for(error)
    assert (reaction.code, reaction.keep_open) == (code, keep)


def test_every_error_class_has_a_row() -> None:
    """Each CodecError subclass in errors.py has its own entry."""
    import egts_server.codec.errors as errors

    classes = {c for c in vars(errors).values()
               if isinstance(c, type) and issubclass(c, CodecError)}
    assert classes <= set(REACTIONS)


def test_counter_wraps_at_16_bits() -> None:
    """PID/RN counters go 65535 -> 0."""
    counter = Counter16(65535)
    assert (next(counter), next(counter)) == (65535, 0)


@given(st.integers(0, 0xFFFF), st.integers(0, 0xFFFF), st.integers(0, 255),
       st.lists(st.builds(Confirmation, service=st.sampled_from([1, 2, 4, 3]),
                          rn=st.integers(0, 0xFFFF), result=st.integers(0, 255)), max_size=20),
       st.integers(0, 0xFFFF))
def test_fast_response_equals_the_generic_encoder(pid: int, rpid: int, result: int,
                                                  confirmations: list[Confirmation],
                                                  rn: int) -> None:
    """build_response packs exactly what Packet.encode makes of the same records."""
    generic = Packet(header=TransportHeader(pid=pid, packet_type=PacketType.RESPONSE),
                     response=ResponseHead(rpid=rpid, result=result),
                     records=tuple(confirmation_records(confirmations, Counter16(rn)))).encode()
    assert build_response(pid=pid, rpid=rpid, result=result, confirmations=confirmations,
                          rns=Counter16(rn)) == generic
