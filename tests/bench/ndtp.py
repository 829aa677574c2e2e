"""NDTP decode throughput per core (and NIS SOAP parsing): records/s through the server's path.

    python -m tests.bench.ndtp [--repeat 7] [--seconds 0.3] [--clock cpu] [--profile r1|h10|corpus]

Workloads (frames from ``tests/builders/ndtp.py`` or the corpus, never from our encoders):

* ``corpus``: the shared corpus' NAVDATA frames that are stored (nav/sensor/fuel/CAN/KDM);
* ``r1``: NPH_SND_REALTIME frames of one record, nav + internal I/O + road-machine cell, as a
  plough sends every few seconds;
* ``h10``: NPH_SND_HISTORY frames of ten such records (black-box replay after an outage).

Decoders, single-threaded (figures are per core):

* ``compiled`` and ``pure``: the whole server path: ``Framer.feed`` on the glued stream, then
  ``Session.handle`` per frame (CRC checked, cells decoded, positions and results built), with
  the compiled NAVDATA reader (``codec.ndtp.kernels``; "-" when it was not built) and with the
  pure-Python reference;
* ``session``: ``Session.handle`` on pre-cut frames (the active implementation);
* ``typed``: ``parse_packet`` + ``NavData.decode`` (wire values, no positions, no replies);
* ``floor``: a struct-only reference (CRC, walk the cells, unpack the nav fields), the ceiling
  any CPython decoder of these bytes can hope for.

A record is a nav cell, i.e. one stored fix. Each figure is the best of ``--repeat`` timed runs
of about ``--seconds`` each, after a warm-up. The last line times ``nis_soap.parse_request`` on a
100-record PutCoord batch.
"""

from __future__ import annotations

import json
import random
import struct
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from egts_server.codec.crc import crc16_modbus
from egts_server.codec.ndtp import Framer, NavData, NphResult, Session, kernels, parse_packet
from egts_server.codec.nis_soap import PutCoord, encode_request, parse_request
from tests.bench.timing import Timing, profile, timing_parser
from tests.builders import ndtp as build

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "vectors" / "nis.json"
T0 = datetime(2026, 1, 20, 5, 0, tzinfo=UTC)
LOGIN = build.frame(build.conn_request(), service=0, ptype=100)
SIZES = {0: 26, 2: 26, 3: 14, 4: 15, 5: 6, 6: 9, 7: 1, 8: 6, 9: 40, 10: 37, 12: 5, 13: 13,
         14: 15, 15: 50, 16: 8, 17: 46, 18: 50, 19: 40, 20: 8, 21: 180, 22: 24, 23: 16, 100: 44}


def corpus_frames() -> list[bytes]:
    frames: list[bytes] = []
    for entry in json.loads(CORPUS.read_text()):
        server = entry["expected"].get("server", {})
        if entry["kind"] == "valid" and server.get("action") == "store_and_reply":
            frames += Framer().feed(bytes.fromhex(entry["hex"]))
    return frames


def record(rng: random.Random, n: int) -> bytes:
    return (build.nav(time=T0 + timedelta(seconds=5 * n), lat=rng.uniform(-80, 80),
                      lon=rng.uniform(-179, 179), speed_avg=rng.randrange(90),
                      course=rng.randrange(360), track=rng.randrange(500), alt=rng.randrange(300),
                      nsat=rng.randrange(4, 20))
            + build.int_sensor(di_in=rng.randrange(256), odometer_m=n * 37,
                               analog=(rng.randrange(4096), 0, 0, 0))
            + build.raw(5, bytes((rng.randrange(2), 0, 0, 0, 0, 0))))


def generated(records_per_frame: int, count: int, seed: int = 5243) -> list[bytes]:
    rng = random.Random(seed)
    return [build.frame(b"".join(record(rng, i * records_per_frame + k)
                                 for k in range(records_per_frame)),
                        ptype=100 if records_per_frame > 1 else 101, request_id=i)
            for i in range(count)]


# -- the struct-only floor ---------------------------------------------------------------------

_NAV = struct.Struct("<IIIBBHHHHhBB")


def floor_decode(frame: bytes) -> list[tuple[int, ...]]:
    """CRC, every cell walked by the size table, nav fields unpacked; nothing else."""
    if crc16_modbus(frame[15:]) != frame[6] << 8 | frame[7]:
        raise ValueError("CRC")
    fixes = []
    pos, end = 25, len(frame)
    while pos < end:
        cell_type = frame[pos]
        if cell_type == 0:
            fixes.append(_NAV.unpack_from(frame, pos + 2))
        pos += 2 + SIZES[cell_type]
    return fixes


# -- timing -------------------------------------------------------------------------------------


def logged_in(implementation: kernels.Kernels | None = None) -> Session:
    session = Session(kernels=implementation)
    login = session.handle(LOGIN).login
    assert login is not None
    session.login_result(login, NphResult.OK)
    return session


def stream_run(frames: Sequence[bytes], stream: bytes,
               implementation: kernels.Kernels | None = None) -> None:
    handle = logged_in(implementation).handle
    for frame in Framer().feed(stream):
        handle(frame)


def compiled_run(frames: Sequence[bytes], stream: bytes) -> None:
    stream_run(frames, stream, kernels.COMPILED)


def pure_run(frames: Sequence[bytes], stream: bytes) -> None:
    stream_run(frames, stream, kernels.PURE)


def session_run(frames: Sequence[bytes], stream: bytes) -> None:
    handle = logged_in().handle
    for frame in frames:
        handle(frame)


def typed_run(frames: Sequence[bytes], stream: bytes) -> None:
    for frame in frames:
        NavData.decode(parse_packet(frame).body)


def floor_run(frames: Sequence[bytes], stream: bytes) -> None:
    for frame in frames:
        floor_decode(frame)


def census(frames: Sequence[bytes]) -> int:
    """Records (fixes), checked: every frame stored cleanly and answered, floor agrees."""
    session = logged_in()
    fixes = 0
    for frame in frames:
        handled = session.handle(frame)
        if handled.ack is None or handled.close:
            raise SystemExit(f"benchmark frame refused: {handled.error!r}")
        fixes += len(handled.positions)
        if len(floor_decode(frame)) != len(handled.positions):
            raise SystemExit("floor and session disagree on the number of fixes")
    return fixes


def nis_rate(timing: Timing) -> float:
    rng = random.Random(8)
    batch = [PutCoord(object_id=f"{1000 + i % 10:08d}", time=T0 + timedelta(seconds=i),
                      lon=rng.uniform(-179, 179), lat=rng.uniform(-80, 80), alt=40.0,
                      speed=rng.uniform(0, 90), course=float(rng.randrange(360)),
                      digital_inputs=(1,)) for i in range(100)]
    return timing.rate(partial(parse_request, encode_request(batch)), 100)


def main(argv: Sequence[str] | None = None) -> int:
    args = timing_parser((__doc__ or "").split("\n")[0], repeat=7, seconds=0.3,
                         workloads=("corpus", "r1", "h10"),
                         profiled="the stream path").parse_args(argv)
    workloads = {"corpus": corpus_frames(), "r1": generated(1, 256), "h10": generated(10, 64)}
    if args.profile:
        frames = workloads[args.profile]
        profile(partial(stream_run, frames, b"".join(frames)), passes=100, lines=25)
        return 0

    timing = Timing.of(args)
    print(timing.headline("rates in records/s (a record = a nav cell = a stored fix)"))
    print(f"{'workload':8} {'frames':>6} {'recs':>5} {'compiled':>9} {'pure':>9} "
          f"{'speed-up':>8} {'session':>9} {'typed':>9} {'floor':>9}")
    for name, frames in workloads.items():
        records = census(frames)
        stream = b"".join(frames)
        pure, session, typed, floor = (
            timing.rate(partial(run, frames, stream), records)
            for run in (pure_run, session_run, typed_run, floor_run))
        compiled, speedup = timing.compiled_columns(
            partial(compiled_run, frames, stream) if kernels.COMPILED is not None else None,
            records, pure, 9)
        print(f"{name:8} {len(frames):6} {records:5} {compiled} {pure:9,.0f} {speedup} "
              f"{session:9,.0f} {typed:9,.0f} {floor:9,.0f}")
    print(f"NIS SOAP parse_request, 100-record PutCoord batch: {nis_rate(timing):,.0f} records/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
