"""`simulate --protocol <tracker>` against the served process: the demo vehicles' trackers log
in, report, and their fixes are stored under their own terminals."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tracker_support import simulated_fixes_stored


@pytest.mark.parametrize("protocol", ["wialon", "teltonika", "galileosky", "navtelecom"])
def test_simulated_trackers_are_stored(dsn: str, tmp_path: Path, protocol: str) -> None:
    counts = simulated_fixes_stored(dsn, tmp_path, protocol)
    assert len(counts) == 2
    assert all(n >= 3 and valid for _, n, valid in counts)
