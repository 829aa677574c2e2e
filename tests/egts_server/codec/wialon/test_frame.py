"""Cutting Wialon IPS packets at CR LF: nothing else is framing, and nothing raises."""

from __future__ import annotations

from egts_server.codec.wialon import Framer


def test_packets_end_at_cr_lf_which_is_removed() -> None:
    framer = Framer()
    assert framer.feed(b"#P#\r\n\r\n#L#77;NA\r\n#SD#") == [b"#P#", b"", b"#L#77;NA"]
    assert framer.buffered == 4


def test_a_lone_cr_or_lf_is_part_of_the_packet() -> None:
    framer = Framer()
    assert framer.feed(b"#P#a\rb\nc\r") == [] and framer.buffered == 9
    assert framer.feed(b"\n") == [b"#P#a\rb\nc"]


def test_any_bytes_are_cut_without_raising() -> None:
    assert Framer().feed(bytes(range(256)) + b"\r\n") == [bytes(range(256))]
