"""Keyword-default NDTP v6 byte builders written from research/nis.md §3, not from our encoders.

A second oracle: nothing here imports ``egts_server``; the CRC is computed bit by bit; every
field can be overridden, so a negative test changes exactly one. Builders return bytes: cell
builders a whole cell (header included), body builders an NPH body, ``frame`` a whole frame.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime

from tests.builders.checksums import crc16_modbus

T0 = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)


# -- frames -----------------------------------------------------------------------------------


def npl(payload: bytes, *, npl_type: int = 2, flags: int = 0x0002, peer: int = 0,
        npl_request_id: int = 0, data_size: int | None = None, crc: int | None = None,
        signature: bytes = b"\x7e\x7e") -> bytes:
    """An NPL frame around ``payload`` (the CRC stored high byte first)."""
    return (signature
            + struct.pack("<HH", len(payload) if data_size is None else data_size, flags)
            + struct.pack(">H", crc16_modbus(payload) if crc is None else crc)
            + struct.pack("<BIH", npl_type, peer, npl_request_id) + payload)


def nph(*, service: int = 1, ptype: int = 101, flags: int = 1, request_id: int = 0) -> bytes:
    return struct.pack("<HHHI", service, ptype, flags, request_id)


def frame(body: bytes = b"", *, service: int = 1, ptype: int = 101, nph_flags: int = 1,
          request_id: int = 0, **npl_fields: int | bytes | None) -> bytes:
    """A whole NPH frame: NPL header, NPH header, ``body``."""
    payload = nph(service=service, ptype=ptype, flags=nph_flags, request_id=request_id) + body
    return npl(payload, **npl_fields)  # type: ignore[arg-type]


def result(*, service: int, request_id: int, code: int = 0, peer: int = 0,
           npl_request_id: int = 0) -> bytes:
    """The NPH_RESULT a server sends: NPL flags CRC, NPH type 0 and flags 0, u32 code."""
    return npl(nph(service=service, ptype=0, flags=0, request_id=request_id)
               + struct.pack("<I", code), peer=peer, npl_request_id=npl_request_id)


def device_result(*, request_id: int, mes_id: int, pack_num: int = 0, code: int = 0,
                  peer: int = 0, npl_request_id: int = 0) -> bytes:
    """Service 5 DEVICE_RESULT: pack_num u16, result u32, mes_id u16."""
    return npl(nph(service=5, ptype=102, flags=0, request_id=request_id)
               + struct.pack("<HIH", pack_num, code, mes_id), peer=peer,
               npl_request_id=npl_request_id)


# -- bodies -----------------------------------------------------------------------------------


def conn_request(*, device_id: int = 134223, version: tuple[int, int] = (6, 2),
                 conn_flags: int = 0x0302, max_packet_size: int | None = 1024,
                 reserved: int | None = 0, imei: bytes | None = b"351513051194055",
                 imsi: bytes | None = b"250026272748665", terminator: bool = True) -> bytes:
    """CONN_REQUEST body (§3.4): 10 fixed bytes, then whatever optional fields are given."""
    out = struct.pack("<HHHI", version[0], version[1], conn_flags, device_id)
    for value in (max_packet_size, reserved):
        if value is None:
            return out
        out += struct.pack("<I", value)
    for text in (imei, imsi):
        if text is None:
            break
        out += text
    return out + (b"\x00" if terminator and imei is not None else b"")


def title_data(*, mes_id: int = 16, pack_num: int = 0x8000,
               text: str = "<NAVSCR ver=1.0><ID>16</ID></NAVSCR>") -> bytes:
    """Service 5 TITLE_DATA body: mes_id, pack_num, the 8-byte block, cp1251 markup."""
    return struct.pack("<HH", mes_id, pack_num) + bytes.fromhex("0000000001000000") + \
        text.encode("cp1251")


# -- cells (§3.5) -------------------------------------------------------------------------------


def nav(*, number: int = 0, time: datetime = T0, lat: float = 50.55, lon: float = 137.0,
        valid: bool = True, flags: int | None = None, bat_20mv: int = 205,
        speed_avg: int = 0, speed_max: int | None = None, course: int = 0, track: int = 0,
        alt: int = 0, nsat: int = 9, pdop: int = 0, lat_raw: int | None = None,
        lon_raw: int | None = None) -> bytes:
    """Nav00: flags bit5 North, bit6 East, bit7 valid; |degrees| x 10^7."""
    if flags is None:
        flags = (0x20 if lat >= 0 else 0) | (0x40 if lon >= 0 else 0) | (0x80 if valid else 0)
    return bytes((0, number)) + struct.pack(
        "<IIIBBHHHHhBB", int(time.timestamp()),
        round(abs(lon) * 1e7) if lon_raw is None else lon_raw,
        round(abs(lat) * 1e7) if lat_raw is None else lat_raw, flags, bat_20mv, speed_avg,
        speed_avg if speed_max is None else speed_max, course, track, alt, nsat, pdop)


def int_sensor(*, number: int = 0, analog: tuple[int, int, int, int] = (0, 0, 0, 0),
               di_in: int = 0, di_out: int = 0, counters: tuple[int, int, int, int] = (0, 0, 0, 0),
               odometer_m: int = 0, csq: int = 31, gprs: int = 6, accel: int = 0,
               ext_volt: int = 0) -> bytes:
    """IntSensor02: an_in0..3, di_in, di_out, di0..3 counters, odometer, csq, gprs, accel, ext."""
    return bytes((2, number)) + struct.pack("<4HBB4HIBBBB", *analog, di_in, di_out, *counters,
                                            odometer_m, csq, gprs, accel, ext_volt)


def usi(*, number: int = 0, status: int = 0, level_mm: int = 0, level_l: int = 0,
        temperature: int = 0) -> bytes:
    return bytes((8, number)) + struct.pack("<BHHB", status, level_mm, level_l, temperature)


def can(*, number: int = 0, status: int = 0, engine_hours: int = 0, total_km: int = 0,
        total_fuel: int = 0, fuel_level: int = 0, rpm: int = 0, engine_temp: int = 0,
        speed: int = 0, axles: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0),
        alarm: int = 0) -> bytes:
    return bytes((10, number)) + struct.pack("<IIIIHHhB5HI", status, engine_hours, total_km,
                                             total_fuel, fuel_level, rpm, engine_temp, speed,
                                             *axles, alarm)


def raw(cell_type: int, data: bytes, *, number: int = 0) -> bytes:
    """Any cell, header and payload as given (sizes are the caller's business)."""
    return bytes((cell_type, number)) + data
