"""Which sensor says a vehicle's working equipment is on, and what it said at each fix.

The fleet registry stores this per vehicle as ``vehicles.equipment`` (JSON):

- ``{"input": 1, "tool": "blade"}``: digital input 1 (1-based bit of the fix's DIN mask) is on
  while the blade is down;
- ``{"analog": 2, "threshold": 3.5, "tool": "spreader"}``: analog input 2 (attribute ``adc2``)
  at or above the threshold means the spreader disc turns;
- ``{"attribute": "din3", "tool": "brush"}``: any non-zero value of that fix attribute (EGTS
  absolute digital sensors, an NDTP road-machine state) means on;
- ``"invert": true`` flips any of them (active-low wiring);
- ``{"tool": "blade"}`` alone: the machine has a blade but no sensor. Its work is credited as
  *unconfirmed*, never as confirmed service.

A vehicle with no tool, no sensor and a kind that carries no equipment (bus, dump truck) never
earns coverage: driving down a street is not clearing it.

States are -1 (unknown: no sensor, or the fix did not carry the value), 0 (off) and 1 (on).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "OFF",
    "ON",
    "UNKNOWN",
    "EquipmentSensor",
    "VehicleInfo",
    "sensor_from_equipment",
    "sensor_states",
    "treatments_for",
]

UNKNOWN: Final = -1
OFF: Final = 0
ON: Final = 1

SensorKind = Literal["input", "analog", "attribute"]

#: What a tool does to a street; a loader (loading windrows away) treats none of them.
TOOL_TREATMENTS: Final[Mapping[str, tuple[str, ...]]] = {
    "blade": ("plough",), "plough": ("plough",), "plow": ("plough",),
    "spreader": ("spread",), "sander": ("spread",),
    "brush": ("sweep",), "sweeper": ("sweep",),
    "loader": (),
}
#: When no tool is named: what the machine's kind implies.
KIND_TREATMENTS: Final[Mapping[str, tuple[str, ...]]] = {
    "plow": ("plough",), "grader": ("plough",), "sander": ("spread",), "sweeper": ("sweep",),
}
ALL_TREATMENTS: Final = ("plough", "spread", "sweep")


@dataclass(frozen=True, slots=True)
class EquipmentSensor:
    """How to read 'equipment on' from a fix; ``attribute`` is the fix attribute key, if any."""

    kind: SensorKind
    number: int | None = None
    attribute: str | None = None
    threshold: float = 0.5
    invert: bool = False

    def describe(self) -> str:
        """For evidence: 'input 1', 'adc2 >= 3.5', 'din3' (with 'inverted' when so)."""
        if self.kind == "input":
            text = f"input {self.number}"
        elif self.kind == "analog":
            text = f"{self.attribute} >= {self.threshold:g}"
        else:
            text = f"{self.attribute}"
        return text + (" inverted" if self.invert else "")


@dataclass(frozen=True, slots=True)
class VehicleInfo:
    """What coverage needs to know about a vehicle: who runs it and how its tool is sensed."""

    id: int
    name: str
    kind: str = "other"
    contractor: str | None = None
    tool: str | None = None
    sensor: EquipmentSensor | None = None

    @property
    def treatments(self) -> tuple[str, ...]:
        """Treatments this vehicle can earn credit for (empty: none, it only drives)."""
        return treatments_for(self.kind, self.tool, self.sensor is not None)

    @classmethod
    def from_registry(cls, vehicle_id: int, name: str, kind: str, contractor: str | None,
                      equipment: Mapping[str, Any] | None) -> VehicleInfo:
        equipment = equipment or {}
        tool = equipment.get("tool")
        return cls(id=vehicle_id, name=name, kind=kind, contractor=contractor,
                   tool=tool if isinstance(tool, str) and tool else None,
                   sensor=sensor_from_equipment(equipment))


def treatments_for(kind: str, tool: str | None, has_sensor: bool) -> tuple[str, ...]:
    """A named tool decides; else the kind; else a sensor alone means 'some tool, any street'."""
    if tool is not None:
        return TOOL_TREATMENTS.get(tool.lower(), ALL_TREATMENTS)
    if kind in KIND_TREATMENTS:
        return KIND_TREATMENTS[kind]
    return ALL_TREATMENTS if has_sensor else ()


def sensor_from_equipment(equipment: Mapping[str, Any]) -> EquipmentSensor | None:
    """The sensor the registry entry describes, or None; malformed entries raise ValueError."""
    invert = bool(equipment.get("invert", False))
    if "input" in equipment:
        number = equipment["input"]
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 64:
            raise ValueError(f"equipment.input must be an input number 1..64, got {number!r}")
        return EquipmentSensor("input", number=number, invert=invert)
    if "analog" in equipment:
        number = equipment["analog"]
        threshold = equipment.get("threshold")
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise ValueError(f"equipment.analog must be an input number, got {number!r}")
        if isinstance(threshold, bool) or not isinstance(threshold, int | float) \
                or not math.isfinite(threshold):
            raise ValueError("equipment.threshold must be a number for an analog sensor")
        return EquipmentSensor("analog", number=number, attribute=f"adc{number}",
                               threshold=float(threshold), invert=invert)
    if "attribute" in equipment:
        key = equipment["attribute"]
        if not isinstance(key, str) or not key:
            raise ValueError("equipment.attribute must name a fix attribute")
        return EquipmentSensor("attribute", attribute=key, invert=invert)
    return None


IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
StateArray = npt.NDArray[np.int8]


def sensor_states(sensor: EquipmentSensor | None, inputs: IntArray,
                  values: FloatArray) -> StateArray:
    """Per fix: ON, OFF or UNKNOWN. ``inputs`` is the DIN mask (-1 when the fix had none),
    ``values`` the configured attribute's value (NaN when absent)."""
    n = len(inputs)
    if sensor is None:
        return np.full(n, UNKNOWN, dtype=np.int8)
    if sensor.kind == "input":
        assert sensor.number is not None
        known = inputs >= 0
        on = ((inputs >> (sensor.number - 1)) & 1).astype(bool)
    elif sensor.kind == "analog":
        known = ~np.isnan(values)
        on = np.nan_to_num(values, nan=-math.inf) >= sensor.threshold
    else:
        known = ~np.isnan(values)
        on = np.nan_to_num(values, nan=0.0) != 0.0
    if sensor.invert:
        on = ~on
    states = np.where(on, ON, OFF).astype(np.int8)
    states[~known] = UNKNOWN
    return states
