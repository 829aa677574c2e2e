"""Wialon IPS session rules beyond single packets: passwords, refusals, versions, framing."""

from __future__ import annotations

from datetime import UTC, datetime

from egts_server.codec.errors import IdentityError
from egts_server.codec.wialon import Framer, Message, Session, TrackerClient

FIX = Message(fix_time=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), latitude=50.5, longitude=137.25,
              speed_kmh=12.0, course_deg=90.0, altitude_m=40.0, satellites=9)


def logged_in(client: TrackerClient, passwords: dict[str, str] | None = None) -> Session:
    session = Session(passwords)
    (packet,) = Framer().feed(client.login())
    handled = session.handle(packet)
    assert handled.login is not None
    assert session.login_result(handled.login, True) == b"#AL#1\r\n"
    return session


def test_configured_password_is_checked() -> None:
    good = Session({"77": "secret"})
    (packet,) = Framer().feed(TrackerClient("77", "secret").login())
    assert good.handle(packet).login is not None
    bad = Session({"77": "secret"})
    (packet,) = Framer().feed(TrackerClient("77", "guess").login())
    handled = bad.handle(packet)
    assert (handled.ack, handled.close, handled.login) == (b"#AL#01\r\n", True, None)
    assert isinstance(handled.error, IdentityError)
    assert bad.handle(b"#P#").close  # nothing more is served on that connection


def test_password_of_an_unlisted_tracker_is_not_checked() -> None:
    logged_in(TrackerClient("78", "anything"), {"77": "secret"})


def test_refused_login_refuses_everything_after_it() -> None:
    session = Session()
    (packet,) = Framer().feed(TrackerClient("77").login())
    login = session.handle(packet).login
    assert login is not None
    assert session.login_result(login, False) == b"#AL#0\r\n"
    (packet,) = Framer().feed(TrackerClient("77").data(FIX))
    handled = session.handle(packet)
    assert (handled.close, handled.positions, handled.ack) == (True, (), None)


def test_a_1_1_connection_takes_data_without_crc_and_2_0_requires_it() -> None:
    v11, v20 = TrackerClient("77", version="1.1"), TrackerClient("77")
    (unsigned,) = Framer().feed(v11.data(FIX))
    assert logged_in(v11).handle(unsigned).ack == b"#ASD#1\r\n"
    assert logged_in(v20).handle(unsigned).ack == b"#ASD#13\r\n"


def test_split_and_glued_packets_cut_the_same() -> None:
    client = TrackerClient("77")
    data = client.login() + client.data(FIX) + client.ping() + client.black_box([FIX, FIX])
    whole = Framer().feed(data)
    framer = Framer()
    bytewise = [p for i in range(len(data)) for p in framer.feed(data[i:i + 1])]
    assert whole == bytewise and len(whole) == 4 and framer.buffered == 0
    framer.feed(b"#D#half")
    assert framer.buffered == 7


def test_fuzz_target_holds_on_mutated_corpus_packets() -> None:
    """The fuzz harness' check (only CodecError, segmentation-invariant) on 300 mutations."""
    from tests.fuzz.fuzz_wialon import random_run

    random_run(300, seed=7)
