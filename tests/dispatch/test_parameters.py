"""Coverage parameters: stored with every result, read back exactly, and refused when absurd."""

from __future__ import annotations

import json
import math

import pytest

from dispatch.parameters import ENGINE_VERSION, CleaningParams, CoverageParams


def test_unknown_parameter_is_refused() -> None:
    """A stored parameter set with a key we do not know is refused, not silently dropped."""
    with pytest.raises(ValueError, match="bin_size"):
        CoverageParams.from_dict({"bin_size": 10})


def test_parameters_survive_a_json_round_trip_including_nested_values() -> None:
    """Speed bands come back as tuples and the cleaning thresholds as their own value."""
    custom = CoverageParams(bin_m=25.0, speed_bands_kmh={"plough": (4.0, 30.0)},
                            cleaning=CleaningParams(max_hdop=3.5, min_satellites=6))
    stored = json.loads(json.dumps(custom.to_dict()))
    again = CoverageParams.from_dict(stored)
    assert again == custom
    assert again.speed_bands_kmh == {"plough": (4.0, 30.0)}
    assert again.cleaning == CleaningParams(max_hdop=3.5, min_satellites=6)


def test_the_stored_form_names_the_engine_and_sorts_the_speed_bands() -> None:
    stored = CoverageParams().to_dict()
    assert stored["engine"] == ENGINE_VERSION == "coverage/2"
    assert list(stored["speed_bands_kmh"].items()) == [
        ("plough", [5.0, 45.0]), ("spread", [5.0, 40.0]), ("sweep", [3.0, 25.0])]
    assert stored["cleaning"]["max_implied_speed_kmh"] == 150.0


def test_a_stored_set_missing_keys_takes_the_defaults() -> None:
    """Results stored before a parameter existed read back with that parameter's default."""
    assert CoverageParams.from_dict({"engine": "coverage/1", "bin_m": 10.0}) == (
        CoverageParams(bin_m=10.0))


def test_an_unknown_treatment_works_in_the_ploughing_band() -> None:
    params = CoverageParams()
    assert params.speed_band("sweep") == (3.0, 25.0)
    assert params.speed_band("de-icing") == (5.0, 45.0)


@pytest.mark.parametrize("name", ["max_pair_gap_s", "max_pair_step_m", "gap_factor", "bin_m",
                                  "fit_window_s", "fit_span_m", "heading_tolerance_deg",
                                  "offset_ratio", "offset_window_s", "offset_step_m"])
@pytest.mark.parametrize("value", [0.0, -1.0, math.nan, math.inf])
def test_each_scale_must_be_a_positive_number(name: str, value: float) -> None:
    with pytest.raises(ValueError, match=f"{name} must be a positive number"):
        CoverageParams(**{name: value})  # type: ignore[arg-type]


@pytest.mark.parametrize(("change", "message"), [
    ({"outlier_fixes": -1}, "must not be negative"),
    ({"search_margin_m": -0.1}, "must not be negative"),
    ({"served_fraction": 0.0}, r"served_fraction must be in \(0, 1\]"),
    ({"served_fraction": 1.01}, r"served_fraction must be in \(0, 1\]"),
    ({"speed_bands_kmh": {"sweep": (25.0, 3.0)}}, "speed_bands_kmh.sweep must be low < high"),
    ({"speed_bands_kmh": {"sweep": (-1.0, 3.0)}}, "speed_bands_kmh.sweep must be low < high"),
    ({"speed_bands_kmh": {"sweep": (3.0, 3.0)}}, "speed_bands_kmh.sweep must be low < high"),
])
def test_impossible_thresholds_are_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CoverageParams(**change)  # type: ignore[arg-type]


def test_the_edges_of_the_allowed_ranges_are_allowed() -> None:
    edge = CoverageParams(outlier_fixes=0, search_margin_m=0.0, served_fraction=1.0,
                          speed_bands_kmh={"sweep": (0.0, 0.5)})
    assert (edge.outlier_fixes, edge.served_fraction) == (0, 1.0)
