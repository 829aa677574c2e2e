"""EGTS decode throughput per core: the server's per-frame path against a struct-only floor.

    python -m tests.bench.egts_decode [--repeat 9] [--seconds 0.2] [--clock cpu] [--profile real]

Workloads:

* ``real``: the shared corpus' real terminal packets (ids ``kuz-csv-*``, 126 packets, 197
  records, sensor-heavy: ABS_CNTR, LLS, STATE, AD_SENSORS behind every POS_DATA);
* ``p10``: generated packets of 10 TELEDATA records, each one POS_DATA + EXT_POS_DATA
  (``tests/builders/egts.py``, so the bytes do not come from our own encoder).

Decoders, all single-threaded, so the figures are per core:

* ``compiled`` and ``pure``: ``Session.handle(frame)``, the path the server runs for every
  frame (HCS and SFRCS checked, every subrecord decoded, positions built, the acknowledgement
  built), with the compiled hot path (``codec.egts.kernels``; "-" when it was not built) and
  with the pure-Python reference;
* ``typed``: ``parse_packet(frame)``, every record and subrecord as typed values (no positions);
* ``floor``: a minimal struct-only reference (both CRCs, walk records and subrecords, unpack the
  POS_DATA fields into a tuple), the ceiling any CPython decoder of these bytes can hope for.

Records are SDRs; fixes are POS_DATA subrecords (one Position each). ``--profile`` profiles
the implementation a server would run (``GLONASS_NO_EXTENSIONS=1`` for the pure one; cProfile
sees the compiled functions as one call each). Each figure is the best of
``--repeat`` timed runs of about ``--seconds`` each, after a warm-up, timed with
``time.perf_counter``; ``--clock cpu`` times with ``time.process_time`` instead, which other
processes competing for the cores do not inflate (use it on a shared machine).
"""

from __future__ import annotations

import json
import random
import struct
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import crcmod

from egts_server.codec.egts import Framer, Session, kernels, parse_packet
from tests.bench.timing import Timing, profile, timing_parser
from tests.builders import egts as build

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "vectors" / "egts.json"
NOW = datetime(2024, 1, 15, 7, 0, tzinfo=UTC)


def real_packets() -> list[bytes]:
    """The corpus' real terminal packets, cut into frames."""
    entries = json.loads(CORPUS.read_text())
    frames: list[bytes] = []
    for entry in entries:
        if entry["id"].startswith("kuz-csv-"):
            frames += Framer().feed(bytes.fromhex(entry["hex"]))
    return frames


def p10_packets(count: int = 64, seed: int = 33472) -> list[bytes]:
    """``count`` packets of 10 records, each POS_DATA + EXT_POS_DATA, varied values."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 15, 6, 0, tzinfo=UTC)
    packets = []
    for pid in range(count):
        records = []
        for i in range(10):
            n = pid * 10 + i
            ext = build.ext_pos_data(vdop=rng.randrange(50, 300), hdop=rng.randrange(50, 300),
                                     pdop=rng.randrange(50, 300), sat=rng.randrange(4, 20),
                                     ns=rng.choice((1, 2, 3)))
            records.append(build.pos_record(
                rn=n & 0xFFFF, oid=1000 + pid % 8, extra=[build.subrecord(17, ext)],
                time=start + timedelta(seconds=n), lat=rng.uniform(-80, 80),
                lon=rng.uniform(-179, 179), mv=rng.random() < 0.7, fix=True,
                speed_kmh=rng.uniform(0, 120), course=rng.randrange(360),
                odometer_km=rng.uniform(0, 9000), din=rng.randrange(256),
                alt_m=rng.randrange(-50, 900) if rng.random() < 0.5 else None))
        packets.append(build.packet(pid=pid, records=records))
    return packets


# -- the struct-only floor ---------------------------------------------------------------------

_CRC8 = crcmod.mkCrcFun(0x131, initCrc=0xFF, rev=False, xorOut=0x00)
_CRC16 = crcmod.mkCrcFun(0x11021, initCrc=0xFFFF, rev=False, xorOut=0x0000)
_HEAD = struct.Struct("<BBBBBHHB")  # PRV SKID flags HL HE FDL PID PT
_SDR = struct.Struct("<HHB")  # RL RN RFL
_SUB = struct.Struct("<BH")  # SRT SRL
_POS = struct.Struct("<IIIBHBIB")  # NTM LAT LONG FLG SPD DIR ODM+DIN SRC
_OPTIONAL = tuple(4 * bin(rfl & 0x07).count("1") for rfl in range(256))  # OID/EVID/TM bytes


def floor_decode(frame: bytes) -> list[tuple[int, ...]]:
    """Both CRCs, every record and subrecord walked, POS_DATA fields unpacked; nothing else."""
    _, _, _, hl, _, fdl, _, _ = _HEAD.unpack_from(frame)
    if _CRC8(frame[: hl - 1]) != frame[hl - 1]:
        raise ValueError("HCS")
    body = frame[hl : hl + fdl]
    if _CRC16(body) != frame[-2] | frame[-1] << 8:
        raise ValueError("SFRCS")
    fixes = []
    offset = 0
    while offset < fdl:
        rl, _, rfl = _SDR.unpack_from(body, offset)
        offset += 7 + _OPTIONAL[rfl]
        end = offset + rl
        while offset < end:
            srt, srl = _SUB.unpack_from(body, offset)
            offset += 3
            if srt == 16:
                fixes.append(_POS.unpack_from(body, offset))
            offset += srl
    return fixes


# -- timing -------------------------------------------------------------------------------------


def session_run(frames: Sequence[bytes], implementation: kernels.Kernels | None = None) -> None:
    handle = Session(now=lambda: NOW, kernels=implementation).handle
    for frame in frames:
        handle(frame)


def compiled_run(frames: Sequence[bytes]) -> None:
    session_run(frames, kernels.COMPILED)


def pure_run(frames: Sequence[bytes]) -> None:
    session_run(frames, kernels.PURE)


def typed_run(frames: Sequence[bytes]) -> None:
    for frame in frames:
        parse_packet(frame)


def floor_run(frames: Sequence[bytes]) -> None:
    for frame in frames:
        floor_decode(frame)


def census(frames: Sequence[bytes]) -> tuple[int, int]:
    """(records, fixes), checked: every frame handled cleanly and acknowledged."""
    session = Session(now=lambda: NOW, kernels=kernels.PURE)
    records = fixes = 0
    for frame in frames:
        handled = session.handle(frame)
        if handled.error is not None or handled.ack is None:
            raise SystemExit(f"benchmark packet refused: {handled.error!r}")
        records += len(parse_packet(frame).records)
        fixes += len(handled.positions)
        if len(floor_decode(frame)) != len(handled.positions):
            raise SystemExit("floor and session disagree on the number of fixes")
    return records, fixes


#: the workloads by name, each made on demand
WORKLOADS: dict[str, Callable[[], list[bytes]]] = {"real": real_packets, "p10": p10_packets}


def main(argv: Sequence[str] | None = None) -> int:
    args = timing_parser(__doc__.split("\n")[0], repeat=9, seconds=0.2, workloads=WORKLOADS,
                         profiled="the session path").parse_args(argv)
    workloads = {name: packets() for name, packets in WORKLOADS.items()}
    if args.profile:
        profile(partial(session_run, workloads[args.profile]), passes=200, lines=25)
        return 0

    timing = Timing.of(args)
    print(timing.headline("rates in records/s unless marked"))
    print(f"{'workload':8} {'pkts':>4} {'recs':>4} {'fixes':>5} {'compiled':>10} {'pure':>9} "
          f"{'speed-up':>8} {'typed':>9} {'floor':>9}")
    for name, frames in workloads.items():
        records, fixes = census(frames)
        pure, typed, floor = (timing.rate(partial(run, frames), records)
                              for run in (pure_run, typed_run, floor_run))
        compiled, speedup = timing.compiled_columns(
            partial(compiled_run, frames) if kernels.COMPILED is not None else None,
            records, pure, 10)
        print(f"{name:8} {len(frames):4} {records:4} {fixes:5} {compiled} {pure:9,.0f} "
              f"{speedup} {typed:9,.0f} {floor:9,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
