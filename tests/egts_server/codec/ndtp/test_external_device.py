"""Service 5 bodies: the ids a driver-display message carries and the result that answers it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.errors import TruncatedError
from egts_server.codec.ndtp import DeviceData, DeviceResult


def test_device_data_reads_the_two_ids_and_keeps_the_rest_as_sent() -> None:
    body = bytes.fromhex("0700" "0280") + b"\x01" * 8 + "<b>Привет</b>".encode("cp1251")
    data = DeviceData.decode(body)
    assert (data.mes_id, data.pack_num) == (7, 0x8002)
    assert data.data == body[4:] and data.encode() == body


def test_device_data_shorter_than_its_ids_is_truncated() -> None:
    with pytest.raises(TruncatedError, match="device data of 3 bytes, ids need 4"):
        DeviceData.decode(bytes(3))


def test_device_result_is_pack_num_result_mes_id() -> None:
    body = bytes.fromhex("0200" "2f010000" "0700")
    assert DeviceResult.decode(body) == DeviceResult(pack_num=2, result=303, mes_id=7)
    assert DeviceResult(pack_num=2, result=303, mes_id=7).encode() == body


@pytest.mark.parametrize("size", [7, 9])
def test_device_result_of_another_size_is_truncated(size: int) -> None:
    with pytest.raises(TruncatedError, match=f"DEVICE_RESULT of {size} bytes, expected 8"):
        DeviceResult.decode(bytes(size))


def test_the_answer_quotes_the_message_and_the_part_without_its_last_part_bit() -> None:
    """Bit 15 of pack_num marks the last part; the result quotes the low 15 bits."""
    data = DeviceData(mes_id=0xBEEF, pack_num=0x8003)
    assert DeviceResult.answering(data) == DeviceResult(pack_num=3, result=0, mes_id=0xBEEF)
    assert DeviceResult.answering(data, 5).result == 5


@pytest.mark.parametrize("fields", [
    {"mes_id": 1 << 16, "pack_num": 0},
    {"mes_id": 0, "pack_num": -1},
])
def test_device_data_ids_outside_u16_cannot_be_built(fields: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="u16"):
        DeviceData(**fields)


@pytest.mark.parametrize("fields", [
    {"pack_num": 1 << 16, "result": 0, "mes_id": 0},
    {"pack_num": 0, "result": 1 << 32, "mes_id": 0},
    {"pack_num": 0, "result": 0, "mes_id": -1},
])
def test_device_result_fields_outside_their_widths_cannot_be_built(
        fields: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="out of range"):
        DeviceResult(**fields)


@given(st.integers(0, 0xFFFF), st.integers(0, 0xFFFF), st.binary(max_size=40))
def test_any_device_data_round_trips(mes_id: int, pack_num: int, rest: bytes) -> None:
    value = DeviceData(mes_id=mes_id, pack_num=pack_num, data=rest)
    assert DeviceData.decode(value.encode()) == value


@given(st.integers(0, 0xFFFF), st.integers(0, 0xFFFF_FFFF), st.integers(0, 0xFFFF))
def test_any_device_result_round_trips(pack_num: int, result: int, mes_id: int) -> None:
    value = DeviceResult(pack_num=pack_num, result=result, mes_id=mes_id)
    assert DeviceResult.decode(value.encode()) == value
