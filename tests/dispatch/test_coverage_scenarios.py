"""Property test: over generated scenarios the served share stays within 3 points of the truth.

Every class of ``scenarios.CLASSES`` is run on a few seeds here (the benchmark
``tests.bench.coverage_accuracy`` runs 20 per class). Worked streets must come out within
``TOLERANCE_PCT`` of the truth; what a silence hides must be unknown, never served or "not
served"; the negative classes must earn nothing at all.
"""

from __future__ import annotations

import pytest

from tests.dispatch.scenarios import CLASSES

SEEDS = (0, 1, 2)
TOLERANCE_PCT = 3.0
#: A 15-60 s terminal with drifting (Gauss-Markov) error of up to 10 m: the fit window at the
#: U-turn spans both directions, and a turn's last ~40 m can go uncredited.
WIDER_PCT = {"straight both ways, 15-60 s, Gauss-Markov": 5.0}
NEGATIVE = ("crossing", "parallel", "blade up", "wrong way", "out of band")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(CLASSES))
def test_served_share_is_within_tolerance_of_truth(name: str, seed: int) -> None:
    """Served within 3 points of the truth; hidden stretches unknown; negatives exactly 0."""
    scenario = CLASSES[name](seed)
    verdict = scenario.run()
    if any(word in name for word in NEGATIVE):
        assert verdict["served"] == 0.0 and verdict["partial"] == 0.0, verdict
        return
    tolerance = WIDER_PCT.get(name, TOLERANCE_PCT)
    assert verdict["served"] == pytest.approx(scenario.served_pct, abs=tolerance), verdict
    if scenario.hidden_pct:
        assert verdict["unknown"] >= scenario.hidden_pct - tolerance, verdict
        assert verdict["not_served"] <= tolerance, verdict
