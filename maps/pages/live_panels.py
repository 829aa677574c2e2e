"""The live map's two boxes: the vehicle panel (top left) and the legend with counts (bottom left).

The vehicle panel finds a vehicle by name, plate or terminal, filters the fleet by kind,
contractor and state, lists what passes and shows the chosen vehicle's card; the map's markers,
the legend's counts and the status line follow the same filter. Both boxes are plain HTML built
once with the page (so they read the same to a test or a screen reader) and can be folded away,
which a phone-sized screen needs; the scripts only fill them in.
"""

from __future__ import annotations

import html
from typing import Final

from branca.element import MacroElement
from folium.template import Template

from maps.pages.live_legend import legend_html
from maps.styles import KIND_STYLES

__all__ = ["VEHICLE_STATES", "LivePanel", "vehicle_panel_html"]

#: The state filter's choices: (value the script tests, label). "working" is equipment on;
#: the other three split the fleet by motion and link (see live_fleet.js ``stateOf``).
VEHICLE_STATES: Final = (
    ("working", "в работе"),
    ("moving", "едут"),
    ("parked", "стоят"),
    ("offline", "нет связи"),
)


def _select(panel_id: str, attribute: str, label: str, options: list[tuple[str, str]]) -> str:
    """A labelled filter; the label names only the filter (not its options' texts)."""
    choices = "".join(f'<option value="{html.escape(value)}">{html.escape(text)}</option>'
                      for value, text in [("", "все"), *options])
    select_id = html.escape(f"{panel_id}_{attribute}")
    return (f'<div class="gd-filter" data-{attribute}-filter-row><label for="{select_id}">'
            f'{html.escape(label)}</label><select id="{select_id}" data-{attribute}-filter>'
            f"{choices}</select></div>")


def vehicle_panel_html(element_id: str) -> str:
    """Search, three filters, the list of vehicles that pass and the chosen vehicle's card."""
    kinds = [(s.kind, s.group_label) for s in KIND_STYLES]
    return (
        f'<div id="{html.escape(element_id)}" class="gd-box gd-vehicle-panel" hidden>'
        '<button type="button" class="gd-box-toggle" data-box-toggle aria-expanded="true">'
        'Поиск техники <span data-vehicle-shown></span></button>'
        '<div class="gd-box-body" data-box-body>'
        '<input type="search" class="gd-search" data-vehicle-search autocomplete="off"'
        ' placeholder="Название, госномер или терминал" aria-label="Найти машину">'
        '<div class="gd-filters">'
        + _select(element_id, "kind", "Вид", kinds)
        + _select(element_id, "contractor", "Подрядчик", [])
        + _select(element_id, "state", "Состояние", list(VEHICLE_STATES))
        + '</div>'
        '<ul class="gd-vehicle-list" data-vehicle-list aria-label="Машины"></ul>'
        '<div class="gd-vehicle-card" data-vehicle-card hidden></div>'
        '</div></div>'
    )


class LivePanel(MacroElement):
    """The vehicle panel and the legend, each a Leaflet control, wired to the vehicles' layer.

    ``live_map.js`` finds both through the marker and fills in the list, the counts and the
    status line; the routes' and marks' counts come from the context layers when the page has
    them.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            {{ this.vehicle_panel_html }}
            {{ this.legend_html }}
            <div hidden data-live-panel='{{ {"legend": this.get_name(),
                                             "vehicles": this.vehicle_panel_id}|tojson }}'></div>
        {% endmacro %}
        """
    )

    def __init__(self, *, routes: bool = False, marks: bool = False) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "LivePanel"
        self.legend_html = legend_html(self.get_name(), routes=routes, marks=marks)
        self.vehicle_panel_id = self.get_name() + "_vehicles"
        self.vehicle_panel_html = vehicle_panel_html(self.vehicle_panel_id)
