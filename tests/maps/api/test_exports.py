"""Track downloads: GPX 1.1 with UTC times and a segment per stretch, and a Russian CSV."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dispatch.tracks import TrackFix
from maps.api.exports import CSV_HEADERS, track_csv, track_gpx

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
T0 = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)
GPX = {"g": "http://www.topografix.com/GPX/1/1"}
FULL = TrackFix(T0, 50.55012345, 137.00123449, 23.456, 181.6, True, inputs=5, black_box=True,
                satellites=11, hdop=0.96)
BARE = TrackFix(T0 + timedelta(seconds=5), 50.5502, 137.0013, 0.0, 0.4, False)


def test_csv_has_a_row_per_fix_in_local_time_with_decimal_commas() -> None:
    text = track_csv([FULL, BARE], VLADIVOSTOK)
    assert text.split("\r\n") == [
        "\ufeff" + ";".join(CSV_HEADERS),
        "03.02.2026 17:00:00 (+10:00);50,5501235;137,0012345;23,5;182;да;5;да;11;1,0",
        "03.02.2026 17:00:05 (+10:00);50,5502000;137,0013000;0,0;0;нет;;нет;;",
        ""]


def test_csv_of_no_fixes_is_the_header_alone() -> None:
    assert track_csv([], VLADIVOSTOK) == "\ufeff" + ";".join(CSV_HEADERS) + "\r\n"


def test_gpx_keeps_each_stretch_as_a_segment_with_utc_times() -> None:
    later = TrackFix(T0 + timedelta(hours=1), 50.6, 137.1, 10.0, 90.0, True)
    gpx = ET.fromstring(track_gpx("Плуг 5", [[FULL, BARE], [later]]))
    assert gpx.tag == "{http://www.topografix.com/GPX/1/1}gpx"
    assert (gpx.get("version"), gpx.get("creator")) == ("1.1", "glonass-dispatch")
    assert gpx.findtext("g:trk/g:name", namespaces=GPX) == "Плуг 5"
    segments = gpx.findall("g:trk/g:trkseg", GPX)
    points = [[(p.get("lat"), p.get("lon"), p.findtext("g:time", namespaces=GPX),
                p.findtext("g:sat", namespaces=GPX), p.findtext("g:hdop", namespaces=GPX))
               for p in s.findall("g:trkpt", GPX)] for s in segments]
    assert points == [
        [("50.5501235", "137.0012345", "2026-02-03T07:00:00+00:00", "11", "1.0"),
         ("50.5502000", "137.0013000", "2026-02-03T07:00:05+00:00", None, None)],
        [("50.6000000", "137.1000000", "2026-02-03T08:00:00+00:00", None, None)]]


def test_gpx_escapes_the_vehicle_name() -> None:
    text = track_gpx('Плуг <5> & "Ко"', [])
    assert ET.fromstring(text).findtext("g:trk/g:name", namespaces=GPX) == 'Плуг <5> & "Ко"'
    assert ET.fromstring(text).findall("g:trk/g:trkseg", GPX) == []
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n') and text.endswith("\n")
