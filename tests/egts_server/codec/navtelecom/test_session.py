"""A NavTelecom connection: ``*>S`` logs it in, ``*>FLEX`` is echoed, FLEX data is answered
with its type, count or index and a CRC-8; what does not hold is reported, not answered."""

from __future__ import annotations

import struct

from egts_server.codec.errors import ChecksumError, IdentityError, PacketTypeError, TruncatedError
from egts_server.codec.navtelecom import (
    Framer,
    Negotiated,
    Session,
    archive,
    current,
    handshake,
    negotiation,
    ntcb,
)
from egts_server.model import DeviceKey
from tests.builders.checksums import crc8

IMEI = "866795031410689"
FIX = {9: struct.pack("<I", 1_700_000_000), 10: struct.pack("<i", 1), 11: struct.pack("<i", 2)}


def connection() -> tuple[Framer, Session]:
    negotiated = Negotiated()
    return Framer(negotiated), Session(negotiated)


def handle_all(framer: Framer, session: Session, data: bytes) -> list[bytes | None]:
    return [session.handle(frame).ack for frame in framer.feed(data)]


def logged_in() -> tuple[Framer, Session]:
    framer, session = connection()
    (frame,) = framer.feed(handshake(IMEI, device=7, server=3))
    login = session.handle(frame).login
    assert login is not None and (login.device, login.imei) == (DeviceKey("navtelecom", IMEI),
                                                                IMEI)
    assert session.login_result(login, True) == ntcb(7, 3, b"*<S")  # back to the sender
    return framer, session


def test_flex_offer_is_echoed_with_its_versions() -> None:
    framer, session = logged_in()
    assert handle_all(framer, session, negotiation([9, 10, 11], version=0x1E, device=7,
                                                   server=3)) == [
        ntcb(7, 3, b"*<FLEX" + bytes((0xB0, 0x1E, 0x1E)))]


def test_archive_and_current_are_answered_with_count_or_index_and_crc8() -> None:
    framer, session = logged_in()
    handle_all(framer, session, negotiation([9, 10, 11]))
    (frame,) = framer.feed(archive([FIX, FIX]))
    handled = session.handle(frame)
    assert (handled.ack, len(handled.positions)) == (b"~A\x02" + bytes((crc8(b"~A\x02"),)), 2)
    prefix = b"~T" + (9).to_bytes(4, "little")
    assert handle_all(framer, session, current(9, FIX)) == [prefix + bytes((crc8(prefix),))]


def test_an_unreadable_offer_is_reported_and_closes() -> None:
    framer, session = logged_in()
    (frame,) = framer.feed(ntcb(0, 1, b"*>FLEX\xb0\x14"))
    handled = session.handle(frame)
    assert (handled.ack, handled.close, type(handled.error)) == (None, True, TruncatedError)


def test_what_is_not_handled_or_broken_is_not_answered() -> None:
    framer, session = logged_in()
    (command,) = framer.feed(ntcb(0, 1, b"*>T"))
    handled = session.handle(command)
    assert (handled.ack, type(handled.error)) == (None, PacketTypeError)
    handle_all(framer, session, negotiation([9, 10, 11]))
    data = archive([FIX])
    (frame,) = framer.feed(data[:-1] + bytes((data[-1] ^ 1,)))
    handled = session.handle(frame)
    assert (handled.ack, handled.positions, type(handled.error)) == (None, (), ChecksumError)


def test_data_before_the_handshake_closes() -> None:
    framer, session = connection()
    handle_all(framer, session, negotiation([9, 10, 11]))
    (frame,) = framer.feed(archive([FIX]))
    handled = session.handle(frame)
    assert (handled.ack, handled.close, type(handled.error)) == (None, True, IdentityError)


def test_a_handshake_without_an_imei_is_refused() -> None:
    framer, session = connection()
    (frame,) = framer.feed(ntcb(0, 1, b"*>S: "))
    handled = session.handle(frame)
    assert (handled.login, type(handled.error)) == (None, IdentityError)


def test_a_refused_login_refuses_everything_after_it() -> None:
    framer, session = connection()
    (frame,) = framer.feed(handshake(IMEI))
    login = session.handle(frame).login
    assert login is not None and session.login_result(login, False) == b""
    (offer,) = framer.feed(negotiation([9, 10, 11]))
    assert session.handle(offer).close
