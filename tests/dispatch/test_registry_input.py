"""The vehicle fields an administrator enters, as the admin page, the API and the CLI all check
them: the driver's name and phone, and a new vehicle as a whole."""

from __future__ import annotations

import pytest

from dispatch.registry_input import (
    InputError,
    VehicleInput,
    check_new_vehicle,
    check_vehicle_changes,
    phone_text,
)


@pytest.mark.parametrize("typed", [
    "8 (914) 123-45-67", "+7 914 123 45 67", "89141234567", "+79141234567", "7 914 1234567",
    " 8-914-123-45-67 ", "8\u00a0914\u00a0123\u00a045\u00a067"])
def test_a_russian_phone_typed_any_usual_way_is_stored_as_plus_seven_and_ten_digits(
        typed: str) -> None:
    assert check_vehicle_changes({"driver_phone": typed}) == {"driver_phone": "+79141234567"}


def test_landline_codes_of_the_city_are_russian_too() -> None:
    assert check_vehicle_changes({"driver_phone": "8 (4212) 30-40-50"}) == {
        "driver_phone": "+74212304050"}


@pytest.mark.parametrize(("typed", "message"), [
    ("914 123-45-67", "телефон водителя — российский номер из 11 цифр, например "
                      "+7 914 123-45-67, а не «914 123-45-67»"),
    ("8 914 123-45-678", "телефон водителя — российский номер из 11 цифр, например "
                         "+7 914 123-45-67, а не «8 914 123-45-678»"),
    ("+8 914 123-45-67", "телефон водителя — российский номер из 11 цифр, например "
                         "+7 914 123-45-67, а не «+8 914 123-45-67»"),
    ("+49 30 1234567", "телефон водителя — российский номер из 11 цифр, например "
                       "+7 914 123-45-67, а не «+49 30 1234567»"),
    ("8 914 ABC-45-67", "телефон водителя — российский номер из 11 цифр, например "
                        "+7 914 123-45-67, а не «8 914 ABC-45-67»"),
    ("8 914 ١٢٣-45-67", "телефон водителя — российский номер из 11 цифр, например "
                        "+7 914 123-45-67, а не «8 914 ١٢٣-45-67»"),
    ("+7 701 123-45-67", "телефон водителя: код 701 — не российский"),
    ("8 (014) 123-45-67", "телефон водителя: код 014 — не российский"),
])
def test_a_phone_that_is_not_russian_is_refused_naming_the_field(typed: str,
                                                                message: str) -> None:
    with pytest.raises(InputError) as refused:
        check_vehicle_changes({"driver_phone": typed})
    assert (refused.value.field, refused.value.message) == ("driver_phone", message)


def test_the_driver_is_trimmed_and_at_most_120_characters() -> None:
    assert check_vehicle_changes({"driver": "  Иванов Пётр Сергеевич \n"}) == {
        "driver": "Иванов Пётр Сергеевич"}
    assert check_vehicle_changes({"driver": " " + "я" * 120 + " "}) == {"driver": "я" * 120}
    with pytest.raises(InputError) as refused:
        check_vehicle_changes({"driver": "я" * 121})
    assert (refused.value.field, refused.value.message) == (
        "driver", "имя водителя длиннее 120 знаков")


@pytest.mark.parametrize("field", ["driver", "driver_phone"])
def test_a_driver_field_that_is_not_text_is_refused(field: str) -> None:
    with pytest.raises(InputError) as refused:
        check_vehicle_changes({field: 89141234567})
    assert (refused.value.field, refused.value.message) == (field, "ожидается строка")


def test_empty_driver_fields_clear_a_vehicle_s_driver() -> None:
    assert check_vehicle_changes({"driver": "  ", "driver_phone": ""}) == {
        "driver": "", "driver_phone": ""}


def test_a_new_vehicle_needs_only_a_name_and_keeps_its_driver() -> None:
    assert check_new_vehicle({"name": " Плуг 1 "}) == VehicleInput(
        "Плуг 1", "other", None, None, None, None, None)
    assert check_new_vehicle({"name": "КДМ 7", "kind": "plow", "plate": "а 123 вс 27",
                              "contractor": None, "equipment_input": 2,
                              "driver": " Сидоров И. ", "driver_phone": "8 914 123-45-67",
                              }) == VehicleInput("КДМ 7", "plow", "А123ВС27", None, 2,
                                                 "Сидоров И.", "+79141234567")
    with pytest.raises(InputError) as refused:
        check_new_vehicle({"driver": "Сидоров"})
    assert (refused.value.field, refused.value.message) == ("name", "укажите название машины")


def test_a_stored_phone_reads_in_groups() -> None:
    assert phone_text("+79141234567") == "+7 914 123-45-67"
