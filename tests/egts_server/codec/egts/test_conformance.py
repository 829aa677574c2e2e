"""The shared EGTS conformance corpus (../shared/vectors/egts.json), entry by entry.

Each entry is fed to a fresh Framer + Session as one TCP read. Checked: CRC verdicts, header
fields, records (RN, services, OID/EVID/TM, SRT list), decoded values (first POS_DATA and the
first subrecord of each other kind, as the corpus lists them) and the reaction: PR, RPID,
CRN/RST per record, silence for acknowledgements, login, and whether the connection closes.
Replies are compared by meaning, because header PID and RN are the server's own counters.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from egts_server.codec.egts import Framer, Handled, ResultCode, Session
from egts_server.codec.egts.records import split_records
from egts_server.codec.egts.subrecords import (
    AbsAnSensData,
    AbsCntrData,
    AbsDigSensData,
    AbsLoopinData,
    AdSensorsData,
    AnySubrecord,
    AuthInfo,
    AuthParams,
    CommandData,
    CountersData,
    DispatcherIdentity,
    ExtPosData,
    LiquidLevelSensor,
    LoopinData,
    ModuleData,
    PassengersCounters,
    PosData,
    PosFlags,
    RecordResponse,
    ResultCodeData,
    ServiceInfo,
    StateData,
    TermIdentity,
    VehicleData,
    subrecord_type,
)
from egts_server.codec.egts.subrecords.module_data import version_text
from egts_server.codec.egts.transport import decode_header, parse_packet
from egts_server.codec.errors import (
    ChecksumError,
    CodecError,
    FramingError,
    HeaderChecksumError,
)
from egts_server.codec.reader import ByteReader, ByteWriter

REPO = Path(__file__).resolve().parents[4]
CORPUS = REPO.parent / "shared" / "vectors" / "egts.json"
ENTRIES: list[dict[str, Any]] = json.loads(CORPUS.read_text()) if CORPUS.exists() else []
NOW = datetime(2024, 1, 15, 7, 0, tzinfo=UTC)


def test_corpus_is_present_and_complete() -> None:
    """The corpus sits beside the checkout and holds all 259 entries."""
    assert CORPUS.exists(), f"conformance corpus not found at {CORPUS}"
    assert len(ENTRIES) == 259


# -- what we observed for one TCP read ---------------------------------------------------------


@dataclass
class Observed:
    kind: str  # "frame" | "framing" | "incomplete"
    data: bytes  # the frame, or the bytes the verdict was about
    handled: Handled | None = None
    error: CodecError | None = None


def observe(data: bytes) -> tuple[Session, list[Observed]]:
    session, framer = Session(now=lambda: NOW), Framer()
    failure: FramingError | None = None
    try:
        frames = framer.feed(data)
    except FramingError as error:
        frames, failure = list(error.frames), error
    out = [Observed("frame", f, session.handle(f)) for f in frames]
    rest = data[sum(len(f) for f in frames):]
    if failure is not None:
        out.append(Observed("framing", rest, session.framing_error(failure), failure))
    elif rest or not data:
        out.append(Observed("incomplete", rest))
    return session, out


# -- subrecords as the corpus spells them ------------------------------------------------------


def text(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("utf-8", errors="replace")


def srd(sub: AnySubrecord) -> bytes:
    w = ByteWriter()
    sub.encode(w)  # type: ignore[union-attr]
    return w.getvalue()


def bits(mask: int) -> list[int]:
    return [n + 1 for n in range(8) if mask >> n & 1]


def as_term_identity(s: TermIdentity) -> dict[str, Any]:
    return {"tid": s.terminal_id, "flags": int(s.flags), "hdid": s.home_dispatcher_id,
            "imei": text(s.imei), "imsi": text(s.imsi), "lngc": text(s.language),
            "ssra": int(s.simple_service), "nid": s.network_id.hex() if s.network_id else None,
            "bs": s.buffer_size, "msisdn": text(s.msisdn)}


def as_ad_sensors(s: AdSensorsData) -> dict[str, Any]:
    return {"dioe": sum(1 << (n - 1) for n in s.digital), "dout": s.outputs,
            "asfe": sum(1 << (n - 1) for n in s.analog),
            "adio": {str(n): v for n, v in s.digital.items()},
            "ans": {str(n): v for n, v in s.analog.items()}}


def as_ext_pos(s: ExtPosData) -> dict[str, Any]:
    def dop(v: int | None) -> float | None:
        return None if v is None else v / 100
    return {"flags": s.flags, "vdop": dop(s.vdop), "hdop": dop(s.hdop), "pdop": dop(s.pdop),
            "sat": s.satellites, "ns": s.nav_systems}


def as_state(s: StateData) -> dict[str, Any]:
    return {"st": s.state, "mpsv_v": s.main_voltage / 10, "bbv_v": s.backup_voltage / 10,
            "ibv_v": s.internal_voltage / 10, "nms": int(s.nav_module_on),
            "ibu": int(s.backup_in_use), "bbu": int(s.internal_battery_in_use)}


def as_lls(s: LiquidLevelSensor) -> dict[str, Any]:
    return {"llsef": int(s.error), "llsvu": s.unit, "rdf": int(s.raw is not None),
            "llsn": s.number, "maddr": s.address,
            "llsd": s.value if s.raw is None else s.raw.hex()}


def as_command(s: CommandData) -> dict[str, Any]:
    cmd = s.command
    return {"ct": s.command_type, "cct": s.confirmation_type, "cid": s.command_id,
            "sid": s.source_id, "acfe": int(s.auth_code is not None),
            "chsfe": int(s.charset is not None), "chs": s.charset,
            "ac": s.auth_code.hex() if s.auth_code is not None else None, "cd_hex": s.data.hex(),
            "cmd": None if cmd is None else {"adr": cmd.address, "sz": cmd.size,
                                             "act": cmd.action, "ccd": cmd.code,
                                             "dt": cmd.data.hex()}}


def as_auth_params(s: AuthParams) -> dict[str, Any]:
    f = s.flags
    return {"flags": f, "ena": f & 3, "pke": f >> 2 & 1, "isle": f >> 3 & 1, "mse": f >> 4 & 1,
            "sse": f >> 5 & 1, "exe": f >> 6 & 1, "rest_hex": srd(s)[1:].hex()}


def as_passengers(s: PassengersCounters) -> dict[str, Any]:
    return {"rdf": int(s.raw is not None), "dpr": s.doors_present, "drl": s.doors_opened,
            "maddr": s.address,
            "doors": {str(n): {"in": i, "out": o} for n, (i, o) in s.doors.items()}}


def code_name(code: int) -> str:
    return f"EGTS_PC_{ResultCode(code).name}"


OTHER: dict[str, tuple[type, Callable[[Any], dict[str, Any]]]] = {
    "EGTS_SR_RECORD_RESPONSE": (RecordResponse, lambda s: {
        "crn": s.confirmed_rn, "rst": s.result, "rst_name": code_name(s.result)}),
    "EGTS_SR_TERM_IDENTITY": (TermIdentity, as_term_identity),
    "EGTS_SR_MODULE_DATA": (ModuleData, lambda s: {
        "mt": s.module_type, "vid": s.vendor_id, "fwv": version_text(s.firmware_version),
        "swv": version_text(s.software_version), "md": s.modification, "st": s.state,
        "srn": text(s.serial_number), "dscr": text(s.description)}),
    "EGTS_SR_VEHICLE_DATA": (VehicleData, lambda s: {
        "vin": text(s.vin), "vht": s.vehicle_type, "vpst": s.propulsion}),
    "EGTS_SR_DISPATCHER_IDENTITY": (DispatcherIdentity, lambda s: {
        "dt": s.dispatcher_type, "did": s.dispatcher_id, "dscr": text(s.description)}),
    "EGTS_SR_AUTH_PARAMS": (AuthParams, as_auth_params),
    "EGTS_SR_AUTH_INFO": (AuthInfo, lambda s: {
        "unm": text(s.user_name), "upsw": text(s.password), "ss": text(s.server_sequence)}),
    "EGTS_SR_SERVICE_INFO": (ServiceInfo, lambda s: {"services": [
        {"st": e.service, "sst": e.state, "srva": int(e.requested), "srvrp": e.priority}
        for e in s.services]}),
    "EGTS_SR_RESULT_CODE": (ResultCodeData, lambda s: {
        "rcd": s.code, "rcd_name": code_name(s.code)}),
    "EGTS_SR_EXT_POS_DATA": (ExtPosData, as_ext_pos),
    "EGTS_SR_AD_SENSORS_DATA": (AdSensorsData, as_ad_sensors),
    "EGTS_SR_COUNTERS_DATA": (CountersData, lambda s: {
        "cfe": sum(1 << (n - 1) for n in s.counters),
        "cn": {str(n): v for n, v in s.counters.items()}}),
    "EGTS_SR_STATE_DATA": (StateData, as_state),
    "EGTS_SR_LOOPIN_DATA": (LoopinData, lambda s: {
        "life": sum(1 << (n - 1) for n in s.loops),
        "states": [{"loop": n, "state": v} for n, v in s.loops.items()]}),
    "EGTS_SR_ABS_DIG_SENS_DATA": (AbsDigSensData, lambda s: {"dsn": s.number, "dsst": s.state}),
    "EGTS_SR_ABS_AN_SENS_DATA": (AbsAnSensData, lambda s: {"asn": s.number, "asv": s.value}),
    "EGTS_SR_ABS_CNTR_DATA": (AbsCntrData, lambda s: {"cn": s.number, "cnv": s.value}),
    "EGTS_SR_ABS_LOOPIN_DATA": (AbsLoopinData, lambda s: {"lin": s.number, "lis": s.state}),
    "EGTS_SR_LIQUID_LEVEL_SENSOR": (LiquidLevelSensor, as_lls),
    "EGTS_SR_PASSENGERS_COUNTERS": (PassengersCounters, as_passengers),
    "EGTS_SR_COMMAND_DATA": (CommandData, as_command),
}


def as_pos(p: PosData) -> dict[str, Any]:
    values: dict[str, Any] = {
        "time": p.fix_time.strftime("%Y-%m-%dT%H:%M:%SZ"), "lat": p.latitude,
        "lon": p.longitude, "speed_kmh": p.speed_kmh, "course": p.direction,
        "vld": int(PosFlags.VLD in p.flags), "odometer_km": p.odometer / 10, "din": p.inputs,
        "src": p.source}
    if p.altitude_m is not None:
        values["alt_m"] = p.altitude_m
    return values


def assert_matches(got: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    """Every expected key is present with the same value (floats to 1e-6)."""
    for key, want in expected.items():
        assert key in got, f"{where}: {key} not decoded"
        if isinstance(want, float):
            assert got[key] == pytest.approx(want, abs=1e-6), f"{where}.{key}"
        elif isinstance(want, dict) and isinstance(got[key], dict):
            assert_matches(got[key], want, f"{where}.{key}")
        else:
            assert got[key] == want, f"{where}.{key}"


def scan_srts(rd: bytes) -> list[int]:
    """SRTs of every subrecord whose header can be read (also from a broken RD)."""
    r, srts = ByteReader(rd), []
    while r.remaining >= 3:
        srts.append(r.u8())
        r.take(min(r.u16(), r.remaining))
    return srts


# -- checks per expected frame ---------------------------------------------------------------


def check_header(data: bytes, want: dict[str, Any]) -> None:
    """PID, PT, HL, FDL and flags as read from the raw bytes."""
    as_read = {"pid": int.from_bytes(data[7:9], "little"), "pt": data[9], "hl": data[3],
               "fdl": int.from_bytes(data[5:7], "little"), "flags": data[2]}
    assert_matches(as_read, {k: want[k] for k in as_read if k in want}, "header")


def check_records(frame: bytes, want: dict[str, Any]) -> None:
    header, _ = decode_header(frame)
    body = ByteReader(frame[header.header_length:-2] if len(frame) > 11 else b"")
    if header.packet_type == 0 and body.remaining:
        assert (body.u16(), body.u8()) == (want["rpid"], want["resp_pr"])
    raws = split_records(body)
    assert len(raws) == want["record_count"]
    for raw, rec in zip(raws, want["records"], strict=True):
        h = raw.header
        where = f"record {h.rn}"
        assert (h.rn, h.sst, h.rst) == (rec["rn"], rec["sst"], rec["rst"]), where
        assert h.oid == rec.get("oid") and h.evid == rec.get("evid"), where
        if "tm_iso" in rec:
            assert h.time is not None
            assert h.time.strftime("%Y-%m-%dT%H:%M:%SZ") == rec["tm_iso"], where
        assert scan_srts(raw.data) == rec["srt"], where
        if "record_status" in rec:
            continue
        subs = raw.decode().subrecords
        assert [subrecord_type(s) for s in subs] == rec["srt"], where
        if "pos" in rec:
            pos = next(s for s in subs if isinstance(s, PosData))
            assert_matches(as_pos(pos), rec["pos"], f"{where}.pos")
        for name, values in rec.get("other", {}).items():
            cls, convert = OTHER[name]
            first = next(s for s in subs if type(s) is cls)
            assert_matches(convert(first), values, f"{where}.{name}")


def reply_meaning(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    packet = parse_packet(data)
    assert packet.response is not None
    return packet.response.rpid, packet.response.result, [
        (record.header.sst, sub.confirmed_rn, sub.result) for record in packet.records
        for sub in record.subrecords if isinstance(sub, RecordResponse)]


def check_reaction(session: Session, seen: Observed, want: dict[str, Any]) -> None:
    reaction, handled = want["reaction"], seen.handled
    if reaction["action"] == "buffer_and_wait":
        assert seen.kind == "incomplete" and handled is None
        return
    assert handled is not None
    if reaction["action"].startswith("no_response"):
        assert (handled.replies, handled.ack, handled.close) == ((), None, False)
        return
    reply = handled.ack if handled.ack is not None else handled.replies[0]
    expected = [(r["sst"], r["crn"], r["rst"]) for r in reaction["record_responses"]]
    assert reply_meaning(reply) == (reaction["rpid"], reaction["pr"], expected)
    then = reaction.get("then", "")
    assert handled.close == then.startswith("close_connection"), then or "keep"
    if "RESULT_CODE" in then:
        assert handled.login is not None
        result = parse_packet(session.login_result(ResultCode.OK))
        (record,) = result.records
        assert record.header.sst == 1 and record.subrecords == (ResultCodeData(code=0),)


def entry_ids() -> list[Any]:
    return [pytest.param(entry, id=entry["id"]) for entry in ENTRIES]


@pytest.mark.parametrize("entry", entry_ids())
def test_entry(entry: dict[str, Any]) -> None:
    """Decode, CRC verdicts and reaction of one corpus entry match what it expects."""
    data = bytes.fromhex(entry["hex"])
    session, observed = observe(data)
    wanted = entry["expected"]["frames"]
    assert len(observed) == len(wanted), [o.kind for o in observed]
    for seen, want in zip(observed, wanted, strict=True):
        if want["result"] == "incomplete":
            assert seen.kind == "incomplete"
        elif want["result"] == "error":
            error = seen.error if seen.kind == "framing" else (
                seen.handled.error if seen.handled else None)
            assert error is not None
            if want.get("hcs_ok") is False:
                assert isinstance(error, HeaderChecksumError)
            if want.get("sfrcs_ok") is False:
                assert isinstance(error, ChecksumError)
        else:
            assert seen.kind == "frame"
            check_records(seen.data, want)
        if seen.data[:9] and "pid" in want:
            check_header(seen.data, want)
        check_reaction(session, seen, want)


@pytest.mark.parametrize("entry", [e for e in entry_ids()
                                   if e.values[0].get("expected", {}).get("example_response_hex")])
def test_first_reply_equals_the_example_bytes(entry: dict[str, Any]) -> None:
    """A fresh session's first reply (PID 0, RN 0, RFL 0) is byte-identical to the example."""
    _, observed = observe(bytes.fromhex(entry["hex"]))
    handled = observed[0].handled
    assert handled is not None
    first = handled.ack if handled.ack is not None else handled.replies[0]
    assert first.hex() == entry["expected"]["example_response_hex"][0]
