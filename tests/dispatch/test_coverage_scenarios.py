"""Property test: over generated scenarios the served share stays within 3 points of the truth.

Every class of ``scenarios.CLASSES`` but those beyond the method's reach is run on a few seeds
here (the benchmark ``tests.bench.coverage_accuracy`` runs 20 per class, all of them). Worked
streets must come out within 3 points of the truth; what a silence hides must be unknown,
never served or "not served"; the negative classes must earn nothing at all.
"""

from __future__ import annotations

import pytest

from tests.dispatch.scenarios import BEYOND_REACH, CLASSES

SEEDS = (0, 1, 2)
TOLERANCE_PCT = 3.0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(set(CLASSES) - set(BEYOND_REACH)))
def test_served_share_is_within_tolerance_of_truth(name: str, seed: int) -> None:
    """Served within 3 points of the truth; hidden stretches unknown; negatives exactly 0."""
    scenario = CLASSES[name](seed)
    verdict = scenario.run()
    if scenario.served_pct == 0.0 and scenario.hidden_pct == 0.0:
        assert verdict["served"] == 0.0 and verdict["partial"] == 0.0, verdict
        return
    assert verdict["served"] == pytest.approx(scenario.served_pct, abs=TOLERANCE_PCT), verdict
    if scenario.hidden_pct:
        assert verdict["unknown"] >= scenario.hidden_pct - TOLERANCE_PCT, verdict
        assert verdict["not_served"] <= TOLERANCE_PCT, verdict
