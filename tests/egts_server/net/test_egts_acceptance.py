"""EGTS acceptance, as a new user would try it: randomised sessions from an independent
terminal (``tests.builders.egts``) against the served process, every fix found in PostGIS with
exactly the values sent.

Each session logs in, then sends packets of several records with several POS_DATA each (both
hemispheres, altitudes above and below sea level, courses past 255°, black-box fixes, sensors
after each fix), a packet with a corrupted data CRC (PR 138, connection kept, resent intact),
and finally one with a corrupted header CRC (the connection is closed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg2
import pytest

from tests.builders import egts as build
from tests.conftest import Served
from tests.egts_terminal import EgtsTerminal, parse_reply

T0 = datetime(2026, 1, 20, 3, 0, tzinfo=UTC)


@dataclass
class SentFix:
    time: datetime
    lat: float
    lon: float
    speed_kmh: float
    course: int
    alt_m: int | None
    bb: bool
    din: int
    adio: dict[int, int] = field(default_factory=dict)
    analog: dict[int, int] = field(default_factory=dict)
    counters: dict[int, int] = field(default_factory=dict)
    satellites: int | None = None
    hdop: int | None = None  # wire units (x 100)

    def subrecords(self) -> list[bytes]:
        subs = [build.subrecord(16, build.pos_data(
            time=self.time, lat=self.lat, lon=self.lon, vld=True, fix=self.alt_m is not None,
            bb=self.bb, mv=self.speed_kmh > 0, speed_kmh=self.speed_kmh, course=self.course,
            din=self.din, alt_m=self.alt_m))]
        if self.satellites is not None:
            subs.append(build.subrecord(17, build.ext_pos_data(sat=self.satellites,
                                                               hdop=self.hdop)))
        if self.adio or self.analog:
            subs.append(build.subrecord(18, build.ad_sensors(adio=self.adio, ans=self.analog)))
        if self.counters:
            subs.append(build.subrecord(19, build.counters(self.counters)))
        return subs


def random_fix(rng: random.Random, when: datetime) -> SentFix:
    north, east = rng.random() < 0.6, rng.random() < 0.6
    fix = SentFix(
        time=when,
        lat=round(rng.uniform(0.001, 89.9) * (1 if north else -1), 7),
        lon=round(rng.uniform(0.001, 179.9) * (1 if east else -1), 7),
        speed_kmh=round(rng.uniform(0, 200), 1) if rng.random() < 0.8 else 0.0,
        course=rng.randrange(360),
        alt_m=rng.choice([None, rng.randrange(-400, 0), rng.randrange(0, 6000)]),
        bb=rng.random() < 0.3,
        din=rng.randrange(256))
    if rng.random() < 0.5:
        fix.satellites, fix.hdop = rng.randrange(4, 30), rng.randrange(50, 900)
    if rng.random() < 0.5:
        fix.adio = {n: rng.randrange(1, 256) for n in rng.sample(range(1, 9), 2)}
        fix.analog = {n: rng.randrange(0, 1 << 24) for n in rng.sample(range(1, 9), 2)}
    if rng.random() < 0.3:
        fix.counters = {n: rng.randrange(0, 1 << 24) for n in rng.sample(range(1, 9), 2)}
    return fix


def corrupt_data_crc(packet: bytes) -> bytes:
    return packet[:-2] + bytes([packet[-2] ^ 0xFF]) + packet[-1:]


def corrupt_header_crc(packet: bytes) -> bytes:
    hl = packet[3]
    return packet[:hl - 1] + bytes([packet[hl - 1] ^ 0xFF]) + packet[hl:]


def stored(dsn: str, tid: int) -> dict[datetime, dict[str, Any]]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT p.fix_time, p.latitude, p.longitude, p.speed_kmh, p.course_deg,"
                    " p.altitude_m, p.black_box, p.valid, p.inputs, p.satellites, p.hdop,"
                    " p.attributes FROM positions p JOIN terminals t ON t.id = p.terminal_id"
                    " WHERE t.protocol = 'egts' AND t.identifier = %s", (str(tid),))
        keys = ("time", "lat", "lon", "speed", "course", "alt", "bb", "valid", "inputs",
                "satellites", "hdop", "attributes")
        return {row[0]: dict(zip(keys, row, strict=True)) for row in cur.fetchall()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_randomised_session_stores_exactly_what_was_sent(server: Served, seed: int) -> None:
    rng = random.Random(seed)
    tid = 880000 + seed
    terminal = EgtsTerminal(server.egts_port)
    _, result = terminal.login(tid, None)
    assert result.result_code == 0
    sent: list[SentFix] = []
    when = T0 + timedelta(days=seed)
    corrupt_at = rng.randrange(3, 8)
    for packet_no in range(12):
        records, fixes_in_packet = [], []
        pid, rns = terminal.next_ids(rng.randrange(1, 5))
        for rn in rns:
            fixes = []
            for _ in range(rng.randrange(1, 4)):  # several POS_DATA in one record
                when += timedelta(seconds=rng.randrange(1, 30))
                fixes.append(random_fix(rng, when))
            subs = [sub for fix in fixes for sub in fix.subrecords()]
            records.append(build.record(rn=rn, sst=2, oid=tid, subrecords=subs))
            fixes_in_packet += fixes
        packet = build.packet(pid=pid, records=records)
        if packet_no == corrupt_at:
            terminal.send(corrupt_data_crc(packet))
            reply = terminal.read_reply()
            assert (reply.pt, reply.rpid, reply.pr, reply.confirmed) == (0, pid, 138, [])
        terminal.send(packet)
        reply = terminal.read_reply()
        assert (reply.pt, reply.rpid, reply.pr) == (0, pid, 0)
        assert reply.confirmed == [(rn, 0) for rn in rns]
        sent += fixes_in_packet

    pid, rns = terminal.next_ids(1)
    extra = random_fix(rng, when + timedelta(seconds=5))
    terminal.send(corrupt_header_crc(build.packet(pid=pid, records=[
        build.record(rn=rns[0], sst=2, oid=tid, subrecords=extra.subrecords())])))
    frames = []
    while (frame := terminal.read_frame()) is not None:
        frames.append(frame)
    assert [(r.pt, r.pr) for r in map(parse_reply, frames)] == [(0, 137)]  # then closed
    terminal.close()

    found = stored(server.dsn, tid)
    assert len(found) == len(sent)
    assert extra.time not in found
    for fix in sent:
        row = found[fix.time]
        assert row["lat"] == pytest.approx(fix.lat, abs=1e-6)
        assert row["lon"] == pytest.approx(fix.lon, abs=1e-6)
        assert row["speed"] == pytest.approx(fix.speed_kmh, abs=0.05)
        assert row["course"] == fix.course
        assert row["alt"] == fix.alt_m
        assert (row["bb"], row["valid"]) == (fix.bb, True)
        attributes = row["attributes"]
        inputs = fix.din | sum(v << (8 * n) for n, v in fix.adio.items())  # 1-72
        assert row["inputs"] == inputs & (1 << 63) - 1  # inputs 1-63 in the mask ...
        beyond = [8 * n + bit + 1 for n in fix.adio for bit in range(8) if 8 * n + bit >= 63]
        for number in beyond:  # ... the rest apart, each with its state
            assert attributes[f"din{number}"] == inputs >> (number - 1) & 1
        assert row["satellites"] == fix.satellites
        assert row["hdop"] == (None if fix.hdop is None else pytest.approx(fix.hdop / 100))
        for n, value in fix.analog.items():
            assert attributes[f"adc{n}"] == value
        for n, value in fix.counters.items():
            assert attributes[f"counter{n}"] == value
