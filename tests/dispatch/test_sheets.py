"""CSV for a Russian spreadsheet: BOM, ``;``, decimal commas, parameters as rows, no formulas."""

from __future__ import annotations

import pytest

from dispatch.sheets import decimal, flat_parameters, sheet_cell, sheet_csv


def test_a_file_has_bom_semicolons_and_the_about_rows_first() -> None:
    text = sheet_csv(("Маршрут", "Длина, м"), [("ул. Мира; чётная", 1234.5), ("пр. Ленина", 80)],
                     about=[("окно с", "05.12.2026 00:00 (+10:00)"), ("доля", 0.9)])
    assert text == ("\ufeffпараметр;значение\r\nокно с;05.12.2026 00:00 (+10:00)\r\n"
                    "доля;0,9\r\n\r\nМаршрут;Длина, м\r\n\"ул. Мира; чётная\";1234,5\r\n"
                    "пр. Ленина;80\r\n")


def test_without_about_rows_the_table_starts_the_file() -> None:
    assert sheet_csv(("а", "б"), [(None, True)]) == "\ufeffа;б\r\n;да\r\n"


@pytest.mark.parametrize(("value", "cell"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+7 914", "'+7 914"),
    ("-скользко", "'-скользко"), ("@admin", "'@admin"), ("\tтаб", "'\tтаб"),
    ("ООО «А»", "ООО «А»"), (-5, "-5"), (-1.5, "-1,5"), ("", "")])
def test_no_text_cell_can_start_a_formula(value: object, cell: str) -> None:
    assert sheet_cell(value) == cell


def test_decimal_comma_with_fixed_or_shortest_decimals() -> None:
    assert decimal(50.5497568, 7) == "50,5497568"
    assert decimal(12.0) == "12" and decimal(0.08) == "0,08" and decimal(None) == ""
    assert decimal(1e-7) == "0,0000001" and decimal(1234567.8) == "1234567,8"


def test_nested_parameters_become_name_value_rows() -> None:
    rows = flat_parameters({"bin_m": 20.0, "speed_bands_kmh": {"plough": [5.0, 45.0]},
                            "cleaning": {"max_hdop": 5.0}, "engine": "coverage/1"})
    assert rows == [("bin_m", 20.0), ("speed_bands_kmh.plough", "5 – 45"),
                    ("cleaning.max_hdop", 5.0), ("engine", "coverage/1")]
