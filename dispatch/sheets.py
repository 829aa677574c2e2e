"""CSV that a Russian spreadsheet opens as is: UTF-8 with BOM, ``;`` between cells.

Numbers shown to people get a decimal comma (the separator of a Russian locale, so Excel
reads them as numbers); a result's parameters go in ``параметр;значение`` rows above the
table; and no cell may start like a formula, so a route or login named ``=HYPERLINK(...)``
stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

__all__ = ["decimal", "flat_parameters", "sheet_cell", "sheet_csv"]

_FORMULA_START = "=+-@\t\r"


def sheet_cell(value: Any) -> str:
    """The text of one cell; text that looks like a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        return decimal(value)
    text = str(value)
    if isinstance(value, int) or not text:
        return text
    return "'" + text if text[0] in _FORMULA_START else text


def decimal(value: float | None, digits: int | None = None) -> str:
    """``1234,5``: a decimal comma; ``digits`` fixes the decimals, else as few as needed."""
    if value is None:
        return ""
    if digits is not None:
        text = f"{value:.{digits}f}"
    else:  # the shortest text that reads back as the same float, never in e-notation
        text = format(Decimal(repr(float(value))), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def flat_parameters(values: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested parameters as ``(name, value)`` rows: ``cleaning.max_hdop``, lists joined."""
    rows: list[tuple[str, Any]] = []
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            rows.extend(flat_parameters(value, name + "."))
        elif isinstance(value, list | tuple):
            rows.append((name, " – ".join(sheet_cell(v) for v in value)))
        else:
            rows.append((name, value))
    return rows


def sheet_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], *,
              about: Sequence[tuple[str, Any]] = ()) -> str:
    """The whole file: the ``about`` rows (``параметр;значение``), a blank row, the table."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    if about:
        writer.writerow(("параметр", "значение"))
        writer.writerows((sheet_cell(name), sheet_cell(value)) for name, value in about)
        writer.writerow(())
    writer.writerow(header)
    writer.writerows([sheet_cell(v) for v in row] for row in rows)
    return out.getvalue()
