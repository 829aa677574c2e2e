"""A Galileosky connection: the IMEI tag logs it in, and every packet is confirmed with 0x02 and
its own CRC (the login's once the registry said yes)."""

from __future__ import annotations

import struct

from egts_server.codec.galileosky import Framer, Session, build_packet, confirmation
from egts_server.model import DeviceKey

IMEI = {0x03: b"868204001269934"}
RECORD = {0x20: struct.pack("<I", 1_700_000_000), 0x30: b"\x09" + struct.pack("<ii", 1, 2)}


def test_refused_imei_gets_no_confirmation_and_the_session_closes() -> None:
    framer, session = Framer(), Session()
    (frame,) = framer.feed(build_packet([IMEI]))
    login = session.handle(frame).login
    assert login is not None and session.login_result(login, False) == b""
    assert session.handle(frame).close


def test_confirmation_is_0x02_and_the_crc_little_endian() -> None:
    assert confirmation(0xA1B2) == b"\x02\xb2\xa1"


def test_login_is_confirmed_on_acceptance_and_data_at_once() -> None:
    framer, session = Framer(), Session()
    head, data = framer.feed(build_packet([IMEI]) + build_packet([RECORD, RECORD], archive=True))
    handled = session.handle(head)
    assert handled.ack is None and handled.login is not None
    assert (handled.login.device, handled.login.imei) == (
        DeviceKey("galileosky", "868204001269934"), "868204001269934")
    assert session.login_result(handled.login, True) == b"\x02" + head[-2:]
    handled = session.handle(data)
    assert (handled.ack, len(handled.positions), handled.error) == (b"\x02" + data[-2:], 2, None)
    assert session.device == DeviceKey("galileosky", "868204001269934")


def test_an_imei_that_is_not_digits_names_the_device_without_an_imei() -> None:
    (frame,) = Framer().feed(build_packet([{0x03: b"ABC000000000000"}]))
    login = Session().handle(frame).login
    assert login is not None and (str(login.device), login.imei) == (
        "galileosky:ABC000000000000", None)
