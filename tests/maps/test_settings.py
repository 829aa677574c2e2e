"""The web side's settings: their defaults agree with the defaults of the code they feed, so a
page rendered with no settings shows what a served one does."""

from __future__ import annotations

import dataclasses
from zoneinfo import ZoneInfo

import pytest

from maps.api.public_layers import DEFAULT_BAND_HOURS, DEFAULT_WINDOW_H
from maps.metrics import LOOPBACK
from maps.pages.live_map import DEFAULT_CENTER, TIME_ZONE
from maps.settings import (
    AuthSettings,
    GtfsRtSettings,
    MapSettings,
    MetricsSettings,
    PublicSettings,
    SiteSettings,
)


def test_the_zone_is_the_configured_one() -> None:
    assert SiteSettings("Europe/Moscow").zone == ZoneInfo("Europe/Moscow")
    assert SiteSettings().zone == ZoneInfo(TIME_ZONE)


def test_defaults_agree_with_the_pages_and_resources() -> None:
    assert (MapSettings().center_lat, MapSettings().center_lon) == DEFAULT_CENTER
    assert MetricsSettings().allow == LOOPBACK
    assert PublicSettings().band_hours == DEFAULT_BAND_HOURS
    assert PublicSettings().service_window_h == DEFAULT_WINDOW_H


def test_nothing_loads_from_outside_by_default() -> None:
    """No basemap tiles unless configured: the city network may have no way out."""
    assert MapSettings().tile_url == ""


@pytest.mark.parametrize("settings", [MapSettings(), AuthSettings(), MetricsSettings(),
                                      PublicSettings(), GtfsRtSettings(), SiteSettings()])
def test_settings_cannot_change_once_made(settings: object) -> None:
    """Every part of the site holds the same object; none may change it for the others."""
    field = dataclasses.fields(settings)[0]  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(settings, field.name, getattr(settings, field.name))
