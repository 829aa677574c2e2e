"""The shared NIS GLONASS corpus (../shared/vectors/nis.json), entry by entry: 33 of 33.

NDTP entries are fed to a fresh Framer + Session as one TCP read (after a CONN_REQUEST when the
entry assumes an identified session). Checked: CRC verdicts, NPL/NPH header fields, every
decoded value the corpus lists (identity, cells, service 5 ids), the fixes, and the reaction:
the exact reply bytes (NDTP replies carry no server counters, so they compare byte for byte),
silence, and whether the connection closes. The NIS SOAP entry goes through the SOAP codec.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from egts_server.codec.crc import crc16_modbus
from egts_server.codec.ndtp import (
    CanCell,
    Cell,
    ConnRequest,
    DeviceData,
    DeviceResult,
    Framer,
    Handled,
    IntSensorCell,
    NavCell,
    NavData,
    NavFlags,
    NphResult,
    RawCell,
    Result,
    Session,
    UsiCell,
    parse_packet,
)
from egts_server.codec.nis_soap import build_response, parse_request, put_coord_positions
from egts_server.model import DeviceKey
from tests.builders import ndtp as build

REPO = Path(__file__).resolve().parents[4]
CORPUS = REPO.parent / "shared" / "vectors" / "nis.json"
ENTRIES: list[dict[str, Any]] = json.loads(CORPUS.read_text()) if CORPUS.exists() else []
NDTP = [e for e in ENTRIES if e["id"] != "nis_soap_putcoord"]
SOAP = [e for e in ENTRIES if e["id"] == "nis_soap_putcoord"]
LOGIN = build.frame(build.conn_request(device_id=777), service=0, ptype=100)


def test_corpus_is_present_and_complete() -> None:
    """The corpus sits beside the checkout and holds all 33 entries (32 NDTP, 1 SOAP)."""
    assert CORPUS.exists(), f"conformance corpus not found at {CORPUS}"
    assert (len(ENTRIES), len(NDTP), len(SOAP)) == (33, 32, 1)


# -- what we observed for one TCP read ---------------------------------------------------------


@dataclass
class Observed:
    framer: Framer
    session: Session
    handled: list[Handled]
    frames: list[bytes]


def observe(data: bytes, *, identified: bool) -> Observed:
    framer, session = Framer(), Session()
    if identified:
        handled = session.handle(LOGIN)
        assert handled.login is not None
        session.login_result(handled.login, NphResult.OK)
    frames = framer.feed(data)
    return Observed(framer, session, [session.handle(f) for f in frames], frames)


def needs_login(entry: dict[str, Any]) -> bool:
    expected = entry["expected"]
    if "session_registered" in expected:
        return bool(expected["session_registered"])
    return expected["decoded"]["nph"]["service_id"] != 0


# -- decoded values as the corpus spells them ----------------------------------------------------


def describe_cell(cell: Cell) -> dict[str, Any]:
    match cell:
        case NavCell():
            flags = NavFlags(cell.flags)
            return {"type": 0, "number": cell.number, "time_unix": cell.time,
                    "time_utc": datetime.fromtimestamp(cell.time, UTC).strftime(
                        "%Y-%m-%dT%H:%M:%SZ"),
                    "lon_raw": cell.lon_abs, "lat_raw": cell.lat_abs, "lon": cell.longitude,
                    "lat": cell.latitude, "flags": cell.flags, "valid": cell.valid,
                    "east": NavFlags.EAST in flags, "north": NavFlags.NORTH in flags,
                    "on_internal_battery": NavFlags.INTERNAL_BATTERY in flags,
                    "first_power_on": NavFlags.FIRST_POWER_ON in flags,
                    "sos": NavFlags.SOS in flags, "alarm": NavFlags.ALARM in flags,
                    "call_request": NavFlags.CALL_REQUEST in flags,
                    "bat_voltage_mv": cell.bat_voltage * 20, "speed_avg_kmh": cell.speed_avg,
                    "speed_max_kmh": cell.speed_max, "course_deg": cell.course,
                    "track_m": cell.track, "altitude_m": cell.altitude, "nsat": cell.satellites,
                    "pdop_raw": cell.pdop}
        case IntSensorCell():
            out: dict[str, Any] = {"type": 2, "number": cell.number}
            out.update({f"an_in{i}": v for i, v in enumerate(cell.analog)})
            out.update(di_in=cell.inputs, di_out=cell.outputs)
            out.update({f"di{i}_counter": v for i, v in enumerate(cell.counters)})
            out.update(odometer=cell.odometer, csq=cell.csq, gprs_state=cell.gprs_state,
                       accel_energy=cell.accel_energy, ext_volt_raw=cell.ext_volt)
            return out
        case UsiCell():
            return {"type": 8, "number": cell.number, "det_status": cell.status,
                    "level_mm": cell.level_mm, "level_l": cell.level_l,
                    "temperature_raw": cell.temperature}
        case CanCell():
            return {"type": 10, "number": cell.number, "sec_flag_status": cell.status,
                    "can_absent": not cell.module_present,
                    "engine_hours_x100": cell.engine_hours, "total_km_x100": cell.total_km,
                    "total_fuel_l": cell.total_fuel, "fuel_level": cell.fuel_value,
                    "fuel_level_unit": "percent" if cell.fuel_in_percent else "litres",
                    "rpm": cell.rpm, "engine_temp_c": cell.engine_temp,
                    "speed_kmh": cell.speed, "axle_pressure": list(cell.axle_loads),
                    "flag_alarm": cell.alarm_flags}
        case RawCell():
            return {"type": cell.cell_type, "number": cell.number, "raw": cell.data.hex()}
    raise AssertionError(cell)


def describe_data(service: int, ptype: int, body: bytes) -> dict[str, Any]:
    if (service, ptype) == (0, 100):
        c = ConnRequest.decode(body)
        out: dict[str, Any] = {"proto_version": c.version, "conn_flags": c.conn_flags,
                               "device_id": c.device_id, "max_packet_size": c.max_packet_size,
                               "reserved": c.reserved}
        if c.imei is not None:
            out.update(imei=c.imei, imsi=c.imsi, tail_after_ids=c.tail.hex())
        return out
    if service == 1 and ptype in (100, 101):
        return {"cells": [describe_cell(c) for c in NavData.decode(body).cells]}
    if (service, ptype) == (5, 100):
        d = DeviceData.decode(body)
        return {"mes_id": d.mes_id, "pack_num": d.pack_num, "hdr_rest": d.data[:8].hex(),
                "text_cp1251": d.data[8:].decode("cp1251")}
    if (service, ptype) == (5, 102):
        r = DeviceResult.decode(body)
        return {"pack_num": r.pack_num, "result": r.result, "mes_id": r.mes_id}
    if ptype == 0:
        return {"result": Result.decode(body).code}
    raise AssertionError((service, ptype))


def valid_ids() -> list[str]:
    return [e["id"] for e in NDTP if e["kind"] == "valid"]


def storing_ids() -> list[str]:
    return [e["id"] for e in NDTP if e["kind"] == "valid"
            and e["expected"]["server"]["action"] == "store_and_reply"]


def malformed_ids() -> list[str]:
    return [e["id"] for e in NDTP if e["kind"] == "malformed"]


def entry(entry_id: str) -> dict[str, Any]:
    (found,) = [e for e in ENTRIES if e["id"] == entry_id]
    return found


@pytest.mark.parametrize("entry_id", valid_ids())
def test_valid_entry_decodes_to_the_listed_values(entry_id: str) -> None:
    """Every header field, CRC verdict and decoded value of a valid frame is the corpus's."""
    e = entry(entry_id)
    decoded = e["expected"]["decoded"]
    (frame,) = Framer().feed(bytes.fromhex(e["hex"]))
    packet = parse_packet(frame)
    assert packet.encode() == frame  # wire-faithful values
    npl, nph = packet.npl, packet.nph
    assert nph is not None
    assert {"data_size": npl.data_size, "flags": npl.flags, "crc_flag": npl.crc_flag,
            "crc_field_be": f"0x{npl.crc:04x}", "crc_calc": f"0x{crc16_modbus(packet.payload):04x}",
            "crc_ok": packet.crc_ok, "type": npl.npl_type, "peer_address": npl.peer_address,
            "request_id": npl.request_id} == {k: v for k, v in decoded["npl"].items()
                                              if k != "type_name"}
    assert {"service_id": nph.service, "type": nph.packet_type, "flags": nph.flags,
            "reply_requested": nph.reply_requested, "request_id": nph.request_id,
            "body_len": len(packet.body)} == {k: v for k, v in decoded["nph"].items()
                                              if k not in ("service", "type_name")}
    data = describe_data(nph.service, nph.packet_type, packet.body)
    assert data == decoded["data"]


@pytest.mark.parametrize("entry_id", valid_ids())
def test_valid_entry_gets_the_listed_reaction(entry_id: str) -> None:
    """Login, storage and the reply bytes are what the corpus's server does."""
    e = entry(entry_id)
    server = e["expected"]["server"]
    seen = observe(bytes.fromhex(e["hex"]), identified=needs_login(e))
    (handled,) = seen.handled
    assert not handled.close and not handled.replies
    action = server["action"]
    if action == "register_and_reply":
        assert handled.login is not None
        assert handled.login.device == DeviceKey("ndtp", str(server["device_id"]))
        reply = seen.session.login_result(handled.login, NphResult.OK)
        assert reply == bytes.fromhex(server["reply_hex"])
        assert seen.session.device == handled.login.device
    elif action == "store_and_reply":
        assert handled.ack == bytes.fromhex(server["reply_hex"])
        cells = e["expected"]["decoded"]["data"]["cells"]
        navs = [c for c in cells if c["type"] == 0]
        assert [(p.fix_time, p.latitude, p.longitude) for p in handled.positions] == [
            (datetime.fromtimestamp(c["time_unix"], UTC), c["lat"], c["lon"]) for c in navs]
        assert handled.error is None
    elif action == "consume_and_reply_sed_result":
        assert handled.ack == bytes.fromhex(server["reply_hex"])
        assert handled.positions == () and handled.error is None
    else:
        assert action in ("ignore", "consume_result_no_reply")
        assert (handled.ack, handled.positions, handled.login, handled.error) == (
            None, (), None, None)


@pytest.mark.parametrize("entry_id", storing_ids())
def test_valid_entry_fixes_carry_the_listed_values(entry_id: str) -> None:
    """Each nav cell becomes a Position with the corpus's time, place, motion and odometer."""
    e = entry(entry_id)
    cells = e["expected"]["decoded"]["data"]["cells"]
    seen = observe(bytes.fromhex(e["hex"]), identified=True)
    (handled,) = seen.handled
    navs = [c for c in cells if c["type"] == 0]
    io = [c for c in cells if c["type"] == 2]
    assert len(handled.positions) == len(navs)
    for p, c in zip(handled.positions, navs, strict=True):
        assert p.device == DeviceKey("ndtp", "777")
        assert (p.valid, p.speed_kmh, p.course_deg, p.altitude_m, p.satellites) == (
            c["valid"], c["speed_avg_kmh"], c["course_deg"], c["altitude_m"], c["nsat"])
        assert p.attributes["voltage_internal_v"] == pytest.approx(c["bat_voltage_mv"] / 1000)
        assert p.odometer_m == (io[0]["odometer"] if io else None)
        assert p.inputs == (io[0]["di_in"] if io else None)
        assert not p.black_box


@pytest.mark.parametrize("entry_id", malformed_ids())
def test_malformed_entry_gets_the_listed_reaction(entry_id: str) -> None:
    """Skips, buffering, silence, error replies and closing follow the corpus's model events."""
    e = entry(entry_id)
    expected = e["expected"]
    data = bytes.fromhex(e["hex"])
    seen = observe(data, identified=expected["session_registered"]
                   or entry_id == "malformed_conn_request_too_short")
    events = expected["model_events"]
    skips = sum(ev.get("skip", 0) for ev in events)
    assert seen.framer.skipped == skips
    need_more = [ev["need_more"] for ev in events if "need_more" in ev]
    assert seen.framer.buffered == (len(data) - skips if need_more else 0)
    frame_events = [ev for ev in events if "frame_len" in ev]
    assert [len(f) for f in seen.frames] == [ev["frame_len"] for ev in frame_events]
    for handled, ev in zip(seen.handled, frame_events, strict=True):
        action = ev["action"]
        reply = bytes.fromhex(ev["reply_hex"]) if "reply_hex" in ev else None
        assert handled.ack == reply
        assert handled.close == (action in ("no_reply_close", "reply_error_close"))
        if action == "store_and_reply":
            assert len(handled.positions) == 1
            assert (handled.error is not None) == ("warning" in ev)  # the raw tail is logged
        else:
            assert handled.positions == ()
            assert handled.error is not None


def test_soap_entry_decodes_to_the_listed_fix() -> None:
    """The reconstructed PutCoord post yields the corpus's object, time, place and input 6."""
    (e,) = SOAP
    expected = e["expected"]
    raw = bytes.fromhex(e["hex"])
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"POST ") and len(body) == 378  # Content-Length of the sample
    request = parse_request(body)
    (record,) = request.records
    assert (record.object_id, record.lon, record.lat, record.alt, record.speed, record.course,
            record.valid) == (expected["object_id"], expected["lon"], expected["lat"],
                              expected["alt_m"], expected["speed_kmh"], expected["course_deg"],
                              expected["valid"])
    assert record.time == datetime.fromisoformat(expected["time_utc"])
    assert list(record.digital_inputs) == expected["digital_inputs_on"]
    (position,) = put_coord_positions(request.records)
    assert position.device == DeviceKey("nis", "01326273")
    assert position.inputs == 1 << 6


def test_soap_entry_is_answered_per_stored_record() -> None:
    """The answer names the stored object in a PutCoordResponse, inside a SOAP envelope."""
    (e,) = SOAP
    body = bytes.fromhex(e["hex"]).partition(b"\r\n\r\n")[2]
    request = parse_request(body)
    response = build_response([r.object_id for r in request.records], request.ws_namespace)
    assert b"<ws:PutCoordResponse><ObjectID>01326273</ObjectID></ws:PutCoordResponse>" in \
        response
    assert response.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
