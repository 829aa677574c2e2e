"""Keyword-default EGTS byte builders written from the GOST tables, not from our encoders.

A second oracle: nothing here imports ``egts_server``; CRCs are computed bit by bit; every
field can be overridden (a negative test changes exactly one). Builders return bytes: SRD
for subrecord builders, whole records and packets for the others.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from tests.builders.checksums import crc8, crc16  # GOST 33472 App. А listings

EPOCH = datetime(2010, 1, 1, tzinfo=UTC)


# -- transport and service layers ------------------------------------------------------------


def packet(*, pid: int = 0, pt: int = 1, body: bytes | None = None,
           records: Sequence[bytes] = (), response: tuple[int, int] | None = None,
           prv: int = 1, skid: int = 0, flags: int = 0, hl: int | None = None, he: int = 0,
           route: tuple[int, int, int] | None = None, fdl: int | None = None,
           hcs: int | None = None, sfrcs: int | None = None) -> bytes:
    """A transport packet; ``response=(rpid, pr)`` starts a PT_RESPONSE body."""
    if body is None:
        body = b""
        if response is not None:
            body += struct.pack("<HB", *response)
        body += b"".join(records)
    if route is not None:
        flags |= 0x20
    header = struct.pack("<BBBBBHHB", prv, skid, flags,
                         hl if hl is not None else (16 if route else 11), he,
                         len(body) if fdl is None else fdl, pid, pt)
    if route is not None:
        header += struct.pack("<HHB", *route)
    header += bytes([crc8(header) if hcs is None else hcs])
    if not body:
        return header
    return header + body + struct.pack("<H", crc16(body) if sfrcs is None else sfrcs)


def subrecord(srt: int, srd: bytes, *, srl: int | None = None) -> bytes:
    return struct.pack("<BH", srt, len(srd) if srl is None else srl) + srd


def record(*, rn: int = 0, sst: int = 2, rst: int | None = None, oid: int | None = None,
           evid: int | None = None, tm: int | None = None, ssod: bool = False,
           rsod: bool = False, grp: bool = False, rpp: int = 0,
           subrecords: Sequence[bytes] = (), rl: int | None = None) -> bytes:
    """A service data record; ``subrecords`` are whole subrecords (see ``subrecord``)."""
    rd = b"".join(subrecords)
    rfl = (ssod << 7 | rsod << 6 | grp << 5 | rpp << 3 | (tm is not None) << 2
           | (evid is not None) << 1 | (oid is not None))
    out = struct.pack("<HHB", len(rd) if rl is None else rl, rn, rfl)
    for value in (oid, evid, tm):
        if value is not None:
            out += struct.pack("<I", value)
    return out + struct.pack("<BB", sst, sst if rst is None else rst) + rd


def seconds(when: datetime) -> int:
    return int((when - EPOCH).total_seconds())


# -- subrecord data (SRD) ----------------------------------------------------------------------


def record_response(crn: int, rst: int = 0) -> bytes:
    return struct.pack("<HB", crn, rst)


def result_code(rcd: int) -> bytes:
    return bytes([rcd])


def term_identity(tid: int, *, hdid: int | None = None, imei: bytes | None = None,
                  imsi: bytes | None = None, lngc: bytes | None = None,
                  nid: bytes | None = None, bs: int | None = None,
                  msisdn: bytes | None = None, ssra: bool = False) -> bytes:
    flags = ((hdid is not None) | (imei is not None) << 1 | (imsi is not None) << 2
             | (lngc is not None) << 3 | ssra << 4 | (nid is not None) << 5
             | (bs is not None) << 6 | (msisdn is not None) << 7)
    out = struct.pack("<IB", tid, flags)
    if hdid is not None:
        out += struct.pack("<H", hdid)
    for value in (imei, imsi, lngc, nid):
        if value is not None:
            out += value
    if bs is not None:
        out += struct.pack("<H", bs)
    if msisdn is not None:
        out += msisdn
    return out


def pos_data(*, time: datetime = datetime(2024, 1, 15, 6, 30, tzinfo=UTC), lat: float = 55.75,
             lon: float = 37.62, vld: bool = True, fix: bool = False, cs: bool = False,
             bb: bool = False, mv: bool = False, speed_kmh: float = 0.0, course: int = 0,
             odometer_km: float = 0.0, din: int = 0, src: int = 0, alt_m: int | None = None,
             srcd: bytes = b"") -> bytes:
    """POS_DATA SRD from domain values, with the standard's encoding formulas."""
    flg = (vld | fix << 1 | cs << 2 | bb << 3 | mv << 4 | (lat < 0) << 5 | (lon < 0) << 6
           | (alt_m is not None) << 7)
    spd = round(speed_kmh * 10) | (alt_m is not None and alt_m < 0) << 14 | (course >> 8) << 15
    out = struct.pack("<IIIBHB", seconds(time), math.floor(abs(lat) / 90 * 0xFFFFFFFF),
                      math.floor(abs(lon) / 180 * 0xFFFFFFFF), flg, spd, course & 0xFF)
    out += round(odometer_km * 10).to_bytes(3, "little") + bytes([din, src])
    if alt_m is not None:
        out += abs(alt_m).to_bytes(3, "little")
    return out + srcd


def ext_pos_data(*, vdop: int | None = None, hdop: int | None = None, pdop: int | None = None,
                 sat: int | None = None, ns: int | None = None) -> bytes:
    """EXT_POS_DATA SRD; DOPs in wire units (value * 100)."""
    flags = ((vdop is not None) | (hdop is not None) << 1 | (pdop is not None) << 2
             | (sat is not None) << 3 | (ns is not None) << 4)
    out = bytes([flags])
    for value in (vdop, hdop, pdop):
        if value is not None:
            out += struct.pack("<H", value)
    if sat is not None:
        out += bytes([sat])
    if ns is not None:
        out += struct.pack("<H", ns)
    return out


def _mask(numbers: Sequence[int] | Mapping[int, object]) -> int:
    return sum(1 << (n - 1) for n in numbers)


def ad_sensors(*, dout: int = 0, adio: Mapping[int, int] | None = None,
               ans: Mapping[int, int] | None = None) -> bytes:
    adio, ans = dict(sorted((adio or {}).items())), dict(sorted((ans or {}).items()))
    out = bytes([_mask(adio), dout, _mask(ans)]) + bytes(adio.values())
    return out + b"".join(v.to_bytes(3, "little") for v in ans.values())


def counters(values: Mapping[int, int]) -> bytes:
    values = dict(sorted(values.items()))
    return bytes([_mask(values)]) + b"".join(v.to_bytes(3, "little") for v in values.values())


def state_data(*, st: int = 2, mpsv: int = 0, bbv: int = 0, ibv: int = 0, nms: bool = False,
               ibu: bool = False, bbu: bool = False) -> bytes:
    return bytes([st, mpsv, bbv, ibv, nms << 2 | ibu << 1 | bbu])


def loopin(states: Mapping[int, int]) -> bytes:
    """LIFE + flagged states packed two per byte, first in the low nibble."""
    states = dict(sorted(states.items()))
    nibbles = list(states.values()) + ([0] if len(states) % 2 else [])
    return bytes([_mask(states)]) + bytes(
        nibbles[i] | nibbles[i + 1] << 4 for i in range(0, len(nibbles), 2))


def abs_dig_sens(dsn: int, dsst: int) -> bytes:
    return bytes([(dsn & 0x0F) << 4 | dsst, dsn >> 4])


def abs_loopin(lin: int, lis: int) -> bytes:
    return bytes([(lin & 0x0F) << 4 | lis, lin >> 4])


def abs_an_sens(asn: int, asv: int) -> bytes:
    return bytes([asn]) + asv.to_bytes(3, "little")


def abs_cntr(cn: int, cnv: int) -> bytes:
    return bytes([cn]) + cnv.to_bytes(3, "little")


def liquid_level(*, llsn: int = 0, maddr: int = 0, llsvu: int = 0, llsef: bool = False,
                 value: int | None = 0, raw: bytes | None = None) -> bytes:
    flags = llsef << 6 | llsvu << 4 | (raw is not None) << 3 | llsn
    out = struct.pack("<BH", flags, maddr)
    return out + (raw if raw is not None else struct.pack("<I", value or 0))


def passengers(*, maddr: int = 0, drl: int = 0, doors: Mapping[int, tuple[int, int]] | None = None,
               raw: bytes | None = None, dpr: int | None = None) -> bytes:
    doors = dict(sorted((doors or {}).items()))
    out = struct.pack("<BBBH", raw is not None, _mask(doors) if dpr is None else dpr, drl, maddr)
    if raw is not None:
        return out + raw
    return out + b"".join(bytes(pair) for pair in doors.values())


def module_data(*, mt: int = 1, vid: int = 0, fwv: int = 0x0100, swv: int = 0x0100, md: int = 0,
                st: int = 1, srn: bytes = b"", dscr: bytes = b"") -> bytes:
    return struct.pack("<BIHHBB", mt, vid, fwv, swv, md, st) + srn + b"\0" + dscr + b"\0"


def vehicle_data(*, vin: bytes = b"X" * 17, vht: int = 0, vpst: int = 0) -> bytes:
    return vin + struct.pack("<II", vht, vpst)


def dispatcher_identity(*, dt: int = 0, did: int = 0, dscr: bytes = b"") -> bytes:
    return struct.pack("<BI", dt, did) + dscr


def auth_info(*, unm: bytes, upsw: bytes, ss: bytes | None = None) -> bytes:
    return unm + b"\0" + upsw + b"\0" + (b"" if ss is None else ss + b"\0")


def auth_params(*, ena: int = 0, pbk: bytes | None = None, isl: int | None = None,
                msz: int | None = None, ss: bytes | None = None, exp: bytes | None = None) -> bytes:
    flags = (ena | (pbk is not None) << 2 | (isl is not None) << 3 | (msz is not None) << 4
             | (ss is not None) << 5 | (exp is not None) << 6)
    out = bytes([flags])
    if pbk is not None:
        out += struct.pack("<H", len(pbk)) + pbk
    for value in (isl, msz):
        if value is not None:
            out += struct.pack("<H", value)
    for text in (ss, exp):
        if text is not None:
            out += text + b"\0"
    return out


def service_info(*entries: tuple[int, int, int]) -> bytes:
    """(ST, SST, SRVP) triplets."""
    return b"".join(bytes(e) for e in entries)


def command_data(*, ct: int = 5, cct: int = 0, cid: int = 1, sid: int = 0,
                 chs: int | None = None, ac: bytes | None = None, cd: bytes = b"") -> bytes:
    flags = (ac is not None) << 1 | (chs is not None)
    out = struct.pack("<BIIB", ct << 4 | cct, cid, sid, flags)
    if chs is not None:
        out += bytes([chs])
    if ac is not None:
        out += bytes([len(ac)]) + ac
    return out + cd


def accel_data(*, atm: int = 0, samples: Sequence[tuple[int, int, int, int]] = ()) -> bytes:
    out = struct.pack("<BI", len(samples), atm)
    return out + b"".join(struct.pack("<Hhhh", *s) for s in samples)


# -- whole conversations -------------------------------------------------------------------


def pos_record(*, rn: int = 0, oid: int | None = 4242, extra: Sequence[bytes] = (),
               **pos: object) -> bytes:
    """A TELEDATA record with one POS_DATA (keyword args go to ``pos_data``) and extras."""
    return record(rn=rn, sst=2, oid=oid,
                  subrecords=[subrecord(16, pos_data(**pos)), *extra])  # type: ignore[arg-type]


def auth_record(*, rn: int = 0, tid: int = 4242, imei: bytes | None = None,
                oid: int | None = None) -> bytes:
    return record(rn=rn, sst=1, oid=oid, subrecords=[subrecord(1, term_identity(tid, imei=imei))])


def record_ack(*, rpid: int, confirmed: Sequence[tuple[int, int]] = (), sst: int = 2,
               pr: int = 0, pid: int = 0, rn: int = 0) -> bytes:
    """Our PT_RESPONSE: RFL 0, one SDR for one service holding every (CRN, RST)."""
    records = []
    if confirmed:
        records.append(record(rn=rn, sst=sst, subrecords=[
            subrecord(0, record_response(crn, rst)) for crn, rst in confirmed]))
    return packet(pid=pid, pt=0, response=(rpid, pr), records=records)


def result_code_packet(*, pid: int, rn: int, rcd: int) -> bytes:
    return packet(pid=pid, records=[record(rn=rn, sst=1, subrecords=[subrecord(9, bytes([rcd]))])])
