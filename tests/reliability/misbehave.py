"""Misbehaving clients for the hygiene test, run as their own process so they cannot slow the
test's well-behaved terminals down through the test process's GIL.

``python -m tests.reliability.misbehave --port P --seconds S`` runs, side by side:

* garbage: connects and streams random bytes (about 1 MB/s), reconnecting whenever closed;
* slowloris: 10 connections each trickling a valid packet one byte every 100 ms;
* silent: connections from 127.0.0.2 opened as fast as allowed and never used;
* non-reader: logs in and pipelines valid packets without ever reading a reply.
"""

from __future__ import annotations

import argparse
import os
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

from tests.builders import egts as build

T0 = datetime(2026, 4, 1, tzinfo=UTC)


def garbage(port: int, stop: float) -> None:
    chunk = os.urandom(4096)
    while time.monotonic() < stop:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                while time.monotonic() < stop:
                    s.sendall(chunk)
                    time.sleep(0.004)
        except OSError:
            time.sleep(0.02)


def slowloris(port: int, stop: float, n: int) -> None:
    packet = build.packet(pid=1, records=[build.pos_record(rn=0, oid=990_000 + n, time=T0)])
    while time.monotonic() < stop:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                for byte in packet:
                    if time.monotonic() > stop:
                        return
                    s.sendall(bytes([byte]))
                    time.sleep(0.1)
        except OSError:
            time.sleep(0.05)


def silent(port: int, stop: float) -> None:
    held: list[socket.socket] = []
    while time.monotonic() < stop:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=1,
                                         source_address=("127.0.0.2", 0))
            held.append(s)
            if len(held) > 3000:  # never before the server gives up on them
                held.pop(0).close()
        except OSError:
            time.sleep(0.01)
        time.sleep(0.002)
    for s in held:
        s.close()


def non_reader(port: int, stop: float) -> None:
    tid = 995_000
    login = build.packet(pid=0, records=[build.auth_record(rn=0, tid=tid, oid=tid)])
    packets = [build.packet(pid=pid, records=[
        build.pos_record(rn=k, oid=tid, time=T0 + timedelta(seconds=10 * pid + k))
        for k in range(10)]) for pid in range(1, 101)]  # built once: the sender stays cheap
    while time.monotonic() < stop:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.settimeout(max(0.1, stop - time.monotonic()))  # push as hard as allowed
                s.sendall(login)
                while time.monotonic() < stop:
                    for packet in packets:
                        s.sendall(packet)
        except OSError:
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--only", choices=("garbage", "slowloris", "silent", "non-reader"),
                        action="append", help="run only these kinds (repeatable)")
    args = parser.parse_args()
    kinds = set(args.only or ("garbage", "slowloris", "silent", "non-reader"))
    stop = time.monotonic() + args.seconds
    threads = []
    if "garbage" in kinds:
        threads.append(threading.Thread(target=garbage, args=(args.port, stop)))
    if "silent" in kinds:
        threads.append(threading.Thread(target=silent, args=(args.port, stop)))
    if "non-reader" in kinds:
        threads.append(threading.Thread(target=non_reader, args=(args.port, stop)))
    if "slowloris" in kinds:
        threads += [threading.Thread(target=slowloris, args=(args.port, stop, n))
                    for n in range(10)]
    for t in threads:
        t.daemon = True
        t.start()
    for t in threads:
        t.join(args.seconds + 5)


if __name__ == "__main__":
    main()
