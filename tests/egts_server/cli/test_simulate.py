"""``simulate``: the demo vehicles to drive are checked against the demo fleet before any
terminal connects (the terminals themselves: tests/egts_server/simulator)."""

from __future__ import annotations

import pytest

from dispatch.demo_fleet import demo_fleet
from egts_server.cli import main

SIZE = len(demo_fleet())


@pytest.mark.parametrize("args", [["--first", str(SIZE)], ["--first", "-1"],
                                  ["--vehicles", "0"]])
def test_vehicles_outside_the_demo_fleet_are_refused(
        args: list[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("GLONASS_DISPATCH_CONFIG", raising=False)
    assert main(["simulate", "--duration", "1", *args]) == 2
    assert capsys.readouterr() == ("", (
        f"glonass-dispatch: simulate: the demo fleet has {SIZE} vehicles: --first "
        f"0..{SIZE - 1}, --vehicles at least 1\n"))
