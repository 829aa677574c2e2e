"""A blocking EGTS test terminal over a real socket, built only from ``tests.builders.egts``.

It parses the platform's replies itself (independently of the production codec), so the
integration tests check the server against a second implementation of the standard.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

from tests.builders import egts as build
from tests.socket_terminal import SocketTerminal


@dataclass
class Reply:
    """One packet from the platform, decoded just enough to check it."""

    pid: int
    pt: int
    rpid: int | None = None
    pr: int | None = None
    confirmed: list[tuple[int, int]] = field(default_factory=list)  # (CRN, RST)
    result_code: int | None = None
    records: list[tuple[int, int]] = field(default_factory=list)  # (RN, SST) of APPDATA records
    commands: list[bytes] = field(default_factory=list)  # SRD of each COMMAND_DATA (SST 4)


def frame_size(buf: bytes) -> int | None:
    """The size of the EGTS frame ``buf`` starts with, from HL and FDL; None before they arrive."""
    if len(buf) < 11:
        return None
    hl, fdl = buf[3], int(struct.unpack_from("<H", buf, 5)[0])
    return hl + fdl + (2 if fdl else 0)


def parse_reply(frame: bytes) -> Reply:
    hl, fdl = frame[3], struct.unpack_from("<H", frame, 5)[0]
    pid, pt = struct.unpack_from("<HB", frame, 7)
    assert build.crc8(frame[: hl - 1]) == frame[hl - 1], "bad HCS from the platform"
    body = frame[hl : hl + fdl]
    if fdl:
        assert struct.unpack_from("<H", frame, hl + fdl)[0] == build.crc16(body), "bad SFRCS"
    reply = Reply(pid=pid, pt=pt)
    pos = 0
    if pt == 0:
        reply.rpid, reply.pr = struct.unpack_from("<HB", body, 0)
        pos = 3
    while pos < len(body):
        rl, rn, rfl = struct.unpack_from("<HHB", body, pos)
        pos += 5 + 4 * bin(rfl & 0x07).count("1")
        sst, _rst = body[pos], body[pos + 1]
        pos += 2
        end = pos + rl
        reply.records.append((rn, sst))
        while pos < end:
            srt, srl = body[pos], struct.unpack_from("<H", body, pos + 1)[0]
            data = body[pos + 3 : pos + 3 + srl]
            if srt == 0:
                reply.confirmed.append(struct.unpack("<HB", data))
            elif srt == 9 and sst == 1:
                reply.result_code = data[0]
            elif srt == 51 and sst == 4:
                reply.commands.append(data)
            pos += 3 + srl
    return reply


class EgtsTerminal(SocketTerminal):
    """Connects, logs in, sends packets and reads replies frame by frame."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 10.0) -> None:
        super().__init__(port, host, timeout)
        self.pid = 0
        self.rn = 0

    def next_ids(self, records: int = 1) -> tuple[int, list[int]]:
        pid, rns = self.pid, list(range(self.rn, self.rn + records))
        self.pid += 1
        self.rn += records
        return pid, rns

    def frame_size(self, buf: bytes) -> int | None:
        return frame_size(buf)

    def read_reply(self) -> Reply:
        frame = self.read_frame()
        assert frame is not None, "platform closed the connection"
        return parse_reply(frame)

    def login(self, tid: int, imei: bytes | None) -> tuple[Reply, Reply]:
        """TERM_IDENTITY; returns (PT_RESPONSE, RESULT_CODE packet) and acknowledges the latter."""
        pid, (rn,) = self.next_ids()
        self.send(build.packet(pid=pid, records=[build.auth_record(rn=rn, tid=tid, imei=imei,
                                                                   oid=tid)]))
        response = self.read_reply()
        result = self.read_reply()
        if result.result_code == 0:
            ack_pid, _ = self.next_ids(0)
            self.send(build.record_ack(rpid=result.pid, pid=ack_pid, sst=1,
                                       confirmed=[(rn_, 0) for rn_, _ in result.records]))
        return response, result

    def send_fixes(self, oid: int, fixes: list[dict[str, Any]]) -> tuple[int, list[int]]:
        """One APPDATA packet, one TELEDATA record per fix; returns (PID, RNs)."""
        pid, rns = self.next_ids(len(fixes))
        records = [build.pos_record(rn=rn, oid=oid, **fix) for rn, fix in zip(rns, fixes,
                                                                           strict=True)]
        self.send(build.packet(pid=pid, records=records))
        return pid, rns
