"""CRC functions against their catalogue check values and real EGTS packets."""

from egts_server.codec.crc import crc8_egts, crc16_ccitt, crc16_modbus

CHECK = b"123456789"


def test_crc8_egts_check_value_is_f7() -> None:
    """CRC-8 poly 0x31 init 0xFF non-reflected gives 0xF7 on the catalogue string."""
    assert crc8_egts(CHECK) == 0xF7


def test_crc16_ccitt_check_value_is_29b1() -> None:
    """CRC-16/CCITT-FALSE gives 0x29B1 on the catalogue string."""
    assert crc16_ccitt(CHECK) == 0x29B1


def test_crc16_modbus_check_value_is_4b37() -> None:
    """CRC-16/MODBUS gives 0x4B37 on the catalogue string."""
    assert crc16_modbus(CHECK) == 0x4B37


def test_real_packet_checksums_match() -> None:
    """HCS and SFRCS of a published EGTS packet (egts-debugger nav_packet) are reproduced."""
    data = bytes.fromhex(
        "0100000b0023000000019918000000" "01ef0000000202101500d2312b104fba3a9ed227bc35030000b2"
        "00000000006a8d")
    assert crc8_egts(data[:10]) == data[10]
    assert crc16_ccitt(data[11:-2]) == int.from_bytes(data[-2:], "little")


def test_empty_input_gives_initial_values() -> None:
    """Nothing to checksum leaves the init values (0xFF, 0xFFFF)."""
    assert (crc8_egts(b""), crc16_ccitt(b"")) == (0xFF, 0xFFFF)


def test_any_buffer_is_accepted() -> None:
    """bytes, bytearray and memoryview slices give the same CRCs (no copies needed)."""
    data = b"x" + CHECK + b"y"
    for buffer in (CHECK, bytearray(CHECK), memoryview(data)[1:-1]):
        assert (crc8_egts(buffer), crc16_ccitt(buffer), crc16_modbus(buffer)) == (
            0xF7, 0x29B1, 0x4B37)
