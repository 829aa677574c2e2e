"""The shared values: who sent a fix, the fix itself, and its attribute keys."""

from __future__ import annotations

import dataclasses
import string
from datetime import UTC, datetime

import pytest

from egts_server import model
from egts_server.model import INPUTS_IN_MASK, CommandSpec, DeviceKey, Position

T0 = datetime(2026, 1, 14, 6, 0, tzinfo=UTC)


def test_a_device_key_reads_protocol_colon_identifier() -> None:
    """The form operators type (``terminals command egts:1001``) and logs show."""
    assert str(DeviceKey("egts", "1001")) == "egts:1001"
    assert f"{DeviceKey('teltonika', '356307042441013')}" == "teltonika:356307042441013"


def test_device_keys_are_values() -> None:
    """Equal keys are one key (sessions and caches look terminals up by it); none changes."""
    assert DeviceKey("ndtp", "7") == DeviceKey("ndtp", "7") != DeviceKey("egts", "7")
    assert len({DeviceKey("ndtp", "7"), DeviceKey("ndtp", "7")}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        DeviceKey("ndtp", "7").identifier = "8"  # type: ignore[misc]


def test_a_fix_without_optional_fields_has_none_of_them_and_no_flags() -> None:
    fix = Position(DeviceKey("egts", "1"), T0, 48.48, 135.07, True, 12.5, 90.0)
    assert (fix.altitude_m, fix.satellites, fix.hdop, fix.inputs, fix.odometer_m) == (
        None, None, None, None, None)
    assert (fix.black_box, fix.pz90, dict(fix.attributes)) == (False, False, {})
    with pytest.raises(TypeError):  # the shared empty default cannot be filled by one fix
        fix.attributes["adc1"] = 5  # type: ignore[index]


def test_the_inputs_mask_fits_a_signed_64_bit_column() -> None:
    """Every input the mask holds set at once is the largest bigint; one more would overflow."""
    assert (1 << INPUTS_IN_MASK) - 1 == 2**63 - 1


def test_attribute_keys_never_collide() -> None:
    """Two meanings under one key would overwrite each other in a fix's attributes."""
    fields = {"n": 1, "k": 1, "t": 1, "name": "x", "element": "x"}
    templates = [value for name, value in vars(model).items() if name.startswith("KEY_")]
    for template in templates:
        assert {f for _, f, _, _ in string.Formatter().parse(template) if f} <= fields.keys()
    keys = [template.format(**fields) for template in templates]
    assert {model.KEY_ANALOG, model.KEY_DROPPED_RAW} <= set(templates)  # the first and the last
    assert len(set(keys)) == len(keys)


def test_a_command_is_built_by_keyword_and_never_changes() -> None:
    spec = CommandSpec(kind="text", code=0, action=0, data=b"GETVER", charset=0,
                       summary="GETVER")
    assert spec.ttl_s is None  # the configured default applies when it is queued
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.summary = "RESET"  # type: ignore[misc]
    with pytest.raises(TypeError):
        CommandSpec("text", 0, 0, b"", 0, "")  # type: ignore[misc]
