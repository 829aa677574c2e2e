"""Small HTML builders for the side panels: labelled fields with a place for their error.

Every field is a ``<label class="gd-field" data-field="NAME">`` holding the caption, the
control (``name="NAME"``, the API's property name) and an empty error slot, so the page's
script can show the server's validation message next to exactly the field it names.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

__all__ = ["field", "options", "select"]


def options(pairs: Iterable[tuple[str, str]], selected: str | None = None) -> str:
    return "".join(
        f'<option value="{html.escape(value)}"'
        + (" selected" if value == selected else "")
        + f">{html.escape(label)}</option>"
        for value, label in pairs
    )


def _wrap(name: str, caption: str, control: str, wide: bool) -> str:
    classes = "gd-field gd-wide" if wide else "gd-field"
    return (f'<label class="{classes}" data-field="{html.escape(name)}">'
            f"<span data-caption>{html.escape(caption)}</span>{control}"
            '<small class="gd-field-error" data-error></small></label>')


def field(name: str, caption: str, *, kind: str = "text", wide: bool = False,
          attrs: str = "") -> str:
    """An ``<input>`` (or ``kind="textarea"``) with its caption and error slot."""
    if kind == "textarea":
        control = f'<textarea name="{html.escape(name)}" rows="3" {attrs}></textarea>'
    else:
        control = f'<input name="{html.escape(name)}" type="{kind}" {attrs}>'
    return _wrap(name, caption, control, wide)


def select(name: str, caption: str, pairs: Iterable[tuple[str, str]], *, wide: bool = False,
           selected: str | None = None, attrs: str = "") -> str:
    control = (f'<select name="{html.escape(name)}" {attrs}>'
               f"{options(pairs, selected)}</select>")
    return _wrap(name, caption, control, wide)
