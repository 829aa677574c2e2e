"""Reading the working-equipment state from the vehicle registry's sensor description."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dispatch.equipment import (
    OFF,
    ON,
    UNKNOWN,
    EquipmentSensor,
    VehicleInfo,
    sensor_from_equipment,
    sensor_states,
    treatments_for,
)


def states(sensor: EquipmentSensor | None, inputs: list[int],
           values: list[float] | None = None) -> list[int]:
    vals = np.array(values if values is not None else [math.nan] * len(inputs))
    out: list[int] = sensor_states(sensor, np.array(inputs, dtype=np.int64), vals).tolist()
    return out


def test_digital_input_bit_gives_on_off_and_missing_mask_unknown() -> None:
    """Input 3 is bit 2 of the DIN mask; -1 (no mask) is unknown."""
    sensor = sensor_from_equipment({"input": 3, "tool": "blade"})
    assert states(sensor, [0b100, 0b011, -1]) == [ON, OFF, UNKNOWN]


def test_inverted_input_flips_the_state() -> None:
    """Active-low wiring: "invert": true."""
    sensor = sensor_from_equipment({"input": 1, "invert": True})
    assert states(sensor, [1, 0]) == [OFF, ON]


def test_analog_threshold_and_missing_value() -> None:
    """adc2 >= 3.5 is on; NaN (attribute absent) is unknown."""
    sensor = sensor_from_equipment({"analog": 2, "threshold": 3.5})
    assert sensor is not None and sensor.attribute == "adc2"
    assert states(sensor, [-1, -1, -1], [4.0, 1.0, math.nan]) == [ON, OFF, UNKNOWN]


def test_attribute_sensor_non_zero_is_on() -> None:
    """An attribute sensor (EGTS absolute digital sensor, NDTP state) is on when non-zero."""
    sensor = sensor_from_equipment({"attribute": "din3"})
    assert states(sensor, [-1, -1], [1.0, 0.0]) == [ON, OFF]


def test_no_sensor_means_every_state_unknown() -> None:
    """A tool without a sensor is unknown at every fix (credit unconfirmed, never full)."""
    assert sensor_from_equipment({"tool": "blade"}) is None
    assert states(None, [1, 0]) == [UNKNOWN, UNKNOWN]


@pytest.mark.parametrize("equipment", [{"input": 0}, {"input": "1"}, {"input": True},
                                       {"analog": 1}, {"attribute": ""}])
def test_malformed_equipment_is_refused(equipment: dict[str, object]) -> None:
    """An entry that cannot be read raises ValueError rather than guessing."""
    with pytest.raises(ValueError):
        sensor_from_equipment(equipment)


def test_treatments_follow_tool_then_kind() -> None:
    """A named tool decides; else the kind; a bus or a loader treats nothing."""
    assert treatments_for("plow", "spreader", True) == ("spread",)
    assert treatments_for("grader", None, True) == ("plough",)
    assert treatments_for("loader", "loader", True) == ()
    assert treatments_for("bus", None, False) == ()
    assert treatments_for("other", None, True) == ("plough", "spread", "sweep")


def test_registry_entry_becomes_vehicle_info() -> None:
    """``vehicles.equipment`` as the demo seeds it gives a blade on input 1."""
    info = VehicleInfo.from_registry(5, "КДМ", "plow", "МУП", {"input": 1, "tool": "blade"})
    assert info.sensor == EquipmentSensor("input", number=1)
    assert info.treatments == ("plough",) and info.sensor.describe() == "input 1"
