"""The live map's vehicle panel: search, filters whose values the fleet script understands, the
list and the card; and the element that places it and the legend on the map."""

from __future__ import annotations

import json
import re
from html import unescape

import folium
import pytest

from maps.assets import STATIC_DIR
from maps.pages.live_panels import VEHICLE_STATES, LivePanel, vehicle_panel_html
from maps.styles import KIND_STYLES


@pytest.fixture(scope="module")
def panel() -> str:
    return vehicle_panel_html("gd-vehicles")


def test_vehicle_panel_offers_search_and_three_filters(panel: str) -> None:
    """Search box, kind (every kind), contractor and state filters, list and card."""
    for hook in ("data-vehicle-search", "data-kind-filter", "data-contractor-filter",
                 "data-state-filter", "data-vehicle-list", "data-vehicle-card"):
        assert hook in panel, hook
    kinds = re.search(r"<select [^>]*data-kind-filter>(.*?)</select>", panel)
    assert kinds is not None
    assert re.findall(r'<option value="(\w*)">', kinds.group(1)) == [
        "", *(s.kind for s in KIND_STYLES)]
    states = re.search(r"<select [^>]*data-state-filter>(.*?)</select>", panel)
    assert states is not None
    assert re.findall(r">([^<]+)</option>", states.group(1)) == [
        "все", "в работе", "едут", "стоят", "нет связи"]


def test_every_state_is_one_the_fleet_script_tells_apart() -> None:
    """live_fleet.js names offline, working and moving; whatever is not moving is parked."""
    script = (STATIC_DIR / "js" / "live_fleet.js").read_text(encoding="utf-8")
    named = set(re.findall(r"state === '(\w+)'", script))
    values = [value for value, _label in VEHICLE_STATES]
    assert named <= set(values) and [v for v in values if v not in named] == ["parked"]


def test_each_filter_is_labelled_by_its_own_id(panel: str) -> None:
    for attribute in ("kind", "contractor", "state"):
        assert (f'<label for="gd-vehicles_{attribute}">' in panel
                and f'<select id="gd-vehicles_{attribute}" data-{attribute}-filter>' in panel)
    assert re.search(r"<select [^>]*data-contractor-filter>(.*?)</select>", panel).group(1) == (
        '<option value="">все</option>')  # the script adds the contractors it sees


def test_the_panel_element_names_both_boxes_for_the_script() -> None:
    fmap = folium.Map(tiles=None)
    LivePanel(routes=True).add_to(fmap)
    page = fmap.get_root().render()
    [marker] = re.findall(r"data-live-panel='([^']*)'", page)
    ids = json.loads(unescape(marker))
    assert ids["vehicles"] == ids["legend"] + "_vehicles"
    for box in ids.values():
        assert page.count(f'<div id="{box}" class="gd-box') == 1
    assert "data-treatment-count" in page and "data-mark-count" not in page
